#include "bench/bench/producer.hpp"

#include "bench/bench/client_pool.hpp"
#include "bench/common/clock.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace hookd::bench {

std::vector<std::uint32_t> message_plan(const scenario& s, const phase_spec& p,
                                        const registry& reg) {
  std::vector<std::uint32_t> endpoints;
  std::vector<double> weights;
  double total_weight = 0;
  for (const auto& name : p.targets) {
    const auto g = static_cast<std::uint32_t>(s.group_index(name));
    for (std::size_t i = 0; i < s.groups[g].count; ++i) {
      endpoints.push_back(reg.index_of(g, i));
      weights.push_back(s.groups[g].weight);
      total_weight += s.groups[g].weight;
    }
  }
  std::vector<std::size_t> counts(endpoints.size(), 0);
  if (total_weight <= 0 || p.messages == 0)
    return {};
  std::size_t assigned = 0;
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    counts[i] = static_cast<std::size_t>(
        std::floor(static_cast<double>(p.messages) * weights[i] / total_weight));
    assigned += counts[i];
  }
  for (std::size_t i = 0; assigned < p.messages; i = (i + 1) % endpoints.size())
    if (weights[i] > 0) {
      ++counts[i];
      ++assigned;
    }
  std::vector<std::uint32_t> plan;
  plan.reserve(p.messages);
  const auto rounds = *std::max_element(counts.begin(), counts.end());
  for (std::size_t r = 0; r < rounds; ++r)
    for (std::size_t i = 0; i < endpoints.size(); ++i)
      if (counts[i] > r)
        plan.push_back(endpoints[i]);
  return plan;
}

namespace {

class message_jobs : public job_source {
public:
  message_jobs(const scenario& s, std::uint16_t phase_no, const std::vector<std::uint32_t>& plan,
               double rate, registry& reg, std::uint16_t port, producer_counters& c)
      : s_(s), phase_(phase_no), plan_(plan), rate_(rate), reg_(reg), port_(port), c_(c),
        first_seq_(reg.messages.size()), batch_(std::max<std::size_t>(1, s.batch)) {
    pad_.assign(s.payload_bytes > 40 ? s.payload_bytes - 40 : 1, 'x');
    start_ = steady::now();
  }

  /// One post: a single message, or (load.batch > 1) the next `batch` messages of the plan.
  std::optional<job> next(std::chrono::nanoseconds& wait) override {
    if (next_ >= plan_.size())
      return std::nullopt;
    const std::size_t n = std::min(batch_, plan_.size() - next_);
    if (rate_ > 0) { // a batch goes when its last message is due
      const auto due = start_ + std::chrono::nanoseconds{static_cast<std::int64_t>(
                                    static_cast<double>(next_ + n - 1) * 1e9 / rate_)};
      const auto now = steady::now();
      if (due > now) {
        wait = due - now;
        return std::nullopt;
      }
    }
    const auto first = first_seq_ + next_;
    if (batch_ == 1) {
      std::string body = message_json(first, plan_[next_++], false);
      std::string headers;
      if (s_.idempotency_keys)
        headers = "Idempotency-Key: bench-" + std::to_string(first) + "\r\n";
      return job{format_request("POST", "/v1/messages", port_, body, headers), first, 0};
    }
    std::string body = R"({"messages":[)";
    for (std::size_t k = 0; k < n; ++k)
      body.append(k > 0 ? "," : "").append(message_json(first + k, plan_[next_++], s_.idempotency_keys));
    body += "]}";
    return job{format_request("POST", "/v1/messages/batch", port_, body, {}), first, 0};
  }

  std::optional<std::chrono::milliseconds> finished(job& j, const reply& r) override {
    const std::size_t first = j.tag;
    const std::size_t n = batch_ == 1 ? 1 : std::min(batch_, first_seq_ + plan_.size() - first);
    if (r.sent) {
      c_.posted.fetch_add(1, std::memory_order_relaxed);
      for (std::size_t k = 0; k < n; ++k)
        if (reg_.messages[first + k].sent_ns == 0)
          reg_.messages[first + k].sent_ns = r.sent_ns;
    }
    constexpr int give_up = 6000; // tries: minutes of a daemon that stays down
    switch (r.status) {
      case 202:
        if (batch_ == 1 ? accept(first, r, id_in(r.body)) : accept_batch(first, n, r))
          return std::nullopt;
        break;
      case 429:
        c_.throttled.fetch_add(1, std::memory_order_relaxed);
        return j.tries < give_up ? std::optional{std::chrono::milliseconds{20}} : std::nullopt;
      case 503:
        c_.unavailable.fetch_add(1, std::memory_order_relaxed);
        return j.tries < give_up ? std::optional{std::chrono::milliseconds{50}} : std::nullopt;
      case 409:
        c_.disabled.fetch_add(n, std::memory_order_relaxed);
        return std::nullopt;
      case 0:
        if (!r.sent) {
          c_.refused.fetch_add(1, std::memory_order_relaxed);
          return j.tries < give_up ? std::optional{std::chrono::milliseconds{50}} : std::nullopt;
        }
        c_.unanswered.fetch_add(1, std::memory_order_relaxed);
        if (s_.idempotency_keys && j.tries < give_up)
          return std::chrono::milliseconds{50};
        for (std::size_t k = 0; k < n; ++k)
          reg_.messages[first + k].in_doubt = true;
        c_.in_doubt.fetch_add(n, std::memory_order_relaxed);
        return std::nullopt;
      default: break;
    }
    reject(n, r.status, r.body);
    return std::nullopt;
  }

  std::int64_t first_sent_ = 0, last_accept_ = 0;

private:
  /// A message as POST /v1/messages takes it (endpoint_id: one delivery), registered in `reg_`.
  std::string message_json(std::size_t seq, std::uint32_t endpoint, bool with_key) {
    auto& m = reg_.messages.emplace_back();
    m.endpoint = endpoint;
    m.phase = phase_;
    const auto& e = reg_.endpoints[endpoint];
    std::string body;
    body.reserve(pad_.size() + 200);
    body.append(R"({"event_type":"bench.)").append(s_.groups[e.group].name);
    body.append(R"(","endpoint_id":")").append(e.hookd_id);
    if (with_key)
      body.append(R"(","idempotency_key":"bench-)").append(std::to_string(seq));
    body.append(R"(","payload":{"seq":)").append(std::to_string(seq));
    body.append(R"(,"pad":")").append(pad_).append("\"}}");
    return body;
  }

  static std::string_view id_in(std::string_view body) {
    auto at = body.find("\"id\":\"");
    if (at == std::string_view::npos)
      return {};
    at += 6;
    return body.substr(at, body.find('"', at) - at);
  }

  /// Message `seq` was accepted with `id` (false: no id in the answer).
  bool accept(std::size_t seq, const reply& r, std::string_view id) {
    if (id.empty())
      return false;
    auto& m = reg_.messages[seq];
    std::memcpy(m.id, id.data(), std::min(id.size(), sizeof m.id));
    m.accept_ns = r.done_ns;
    m.in_doubt = false;
    c_.accepted.fetch_add(1, std::memory_order_relaxed);
    if (first_sent_ == 0 || m.sent_ns < first_sent_)
      first_sent_ = m.sent_ns;
    last_accept_ = std::max(last_accept_, r.done_ns);
    return true;
  }

  /// A batch's 202: one result per message, the message (accepted) or its error.
  bool accept_batch(std::size_t first, std::size_t n, const reply& r) {
    const auto doc = nlohmann::json::parse(r.body, nullptr, false);
    if (doc.is_discarded() || !doc.contains("data") || !doc["data"].is_array() ||
        doc["data"].size() != n)
      return false;
    for (std::size_t k = 0; k < n; ++k) {
      const auto& result = doc["data"][k];
      if (result.contains("id") && result["id"].is_string()) {
        accept(first + k, r, result["id"].get<std::string>());
        continue;
      }
      const int status = result.contains("error") && result["error"].is_object()
                             ? result["error"].value("status", 0)
                             : 0;
      if (status == 409)
        c_.disabled.fetch_add(1, std::memory_order_relaxed);
      else
        reject(1, status, result.dump());
    }
    return true;
  }

  void reject(std::size_t n, int status, const std::string& body) {
    c_.rejected.fetch_add(n, std::memory_order_relaxed);
    c_.rejected_by_status[status] += n;
    if (c_.first_rejection.empty())
      c_.first_rejection = std::to_string(status) + " " + body.substr(0, 300);
  }

  const scenario& s_;
  std::uint16_t phase_;
  const std::vector<std::uint32_t>& plan_;
  double rate_;
  registry& reg_;
  std::uint16_t port_;
  producer_counters& c_;
  std::size_t first_seq_;
  std::size_t next_ = 0;
  std::size_t batch_;
  std::string pad_;
  steady::time_point start_;
};

} // namespace

produce_result produce(const scenario& s, std::uint16_t phase_no,
                       const std::vector<std::uint32_t>& plan, double rate, registry& reg,
                       const std::vector<std::uint16_t>& hookd_ports, producer_counters& counters) {
  produce_result out;
  out.first_seq = reg.messages.size();
  message_jobs jobs{s, phase_no, plan, rate, reg, hookd_ports.front(), counters};
  run_jobs(hookd_ports, s.connections, jobs, std::chrono::seconds{30});
  out.end_seq = reg.messages.size();
  out.first_sent_ns = jobs.first_sent_;
  out.last_accept_ns = jobs.last_accept_;
  return out;
}

} // namespace hookd::bench

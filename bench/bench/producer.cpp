#include "bench/bench/producer.hpp"

#include "bench/bench/client_pool.hpp"
#include "bench/common/clock.hpp"

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
        first_seq_(reg.messages.size()) {
    pad_.assign(s.payload_bytes > 40 ? s.payload_bytes - 40 : 1, 'x');
    start_ = steady::now();
  }

  std::optional<job> next(std::chrono::nanoseconds& wait) override {
    if (next_ >= plan_.size())
      return std::nullopt;
    if (rate_ > 0) {
      const auto due = start_ + std::chrono::nanoseconds{static_cast<std::int64_t>(
                                    static_cast<double>(next_) * 1e9 / rate_)};
      const auto now = steady::now();
      if (due > now) {
        wait = due - now;
        return std::nullopt;
      }
    }
    const auto seq = first_seq_ + next_;
    const auto endpoint = plan_[next_++];
    auto& m = reg_.messages.emplace_back();
    m.endpoint = endpoint;
    m.phase = phase_;
    const auto& e = reg_.endpoints[endpoint];
    std::string body;
    body.reserve(pad_.size() + 160);
    body.append(R"({"event_type":"bench.)").append(s_.groups[e.group].name);
    body.append(R"(","endpoint_id":")").append(e.hookd_id);
    body.append(R"(","payload":{"seq":)").append(std::to_string(seq));
    body.append(R"(,"pad":")").append(pad_).append("\"}}");
    std::string headers;
    if (s_.idempotency_keys)
      headers = "Idempotency-Key: bench-" + std::to_string(seq) + "\r\n";
    return job{format_request("POST", "/v1/messages", port_, body, headers), seq, 0};
  }

  std::optional<std::chrono::milliseconds> finished(job& j, const reply& r) override {
    auto& m = reg_.messages[j.tag];
    if (r.sent) {
      c_.posted.fetch_add(1, std::memory_order_relaxed);
      if (m.sent_ns == 0)
        m.sent_ns = r.sent_ns;
    }
    constexpr int give_up = 6000; // tries: minutes of a daemon that stays down
    switch (r.status) {
      case 202: {
        auto at = r.body.find("\"id\":\"");
        if (at != std::string::npos) {
          at += 6;
          const auto end = r.body.find('"', at);
          const auto id = std::string_view{r.body}.substr(at, end - at);
          std::memcpy(m.id, id.data(), std::min(id.size(), sizeof m.id));
          m.accept_ns = r.done_ns;
          m.in_doubt = false;
          c_.accepted.fetch_add(1, std::memory_order_relaxed);
          if (first_sent_ == 0 || m.sent_ns < first_sent_)
            first_sent_ = m.sent_ns;
          last_accept_ = std::max(last_accept_, r.done_ns);
          return std::nullopt;
        }
        break;
      }
      case 429:
        c_.throttled.fetch_add(1, std::memory_order_relaxed);
        return j.tries < give_up ? std::optional{std::chrono::milliseconds{20}} : std::nullopt;
      case 503:
        c_.unavailable.fetch_add(1, std::memory_order_relaxed);
        return j.tries < give_up ? std::optional{std::chrono::milliseconds{50}} : std::nullopt;
      case 409:
        c_.disabled.fetch_add(1, std::memory_order_relaxed);
        return std::nullopt;
      case 0:
        if (!r.sent) {
          c_.refused.fetch_add(1, std::memory_order_relaxed);
          return j.tries < give_up ? std::optional{std::chrono::milliseconds{50}} : std::nullopt;
        }
        c_.unanswered.fetch_add(1, std::memory_order_relaxed);
        if (s_.idempotency_keys && j.tries < give_up)
          return std::chrono::milliseconds{50};
        m.in_doubt = true;
        c_.in_doubt.fetch_add(1, std::memory_order_relaxed);
        return std::nullopt;
      default: break;
    }
    c_.rejected.fetch_add(1, std::memory_order_relaxed);
    ++c_.rejected_by_status[r.status];
    if (c_.first_rejection.empty())
      c_.first_rejection = std::to_string(r.status) + " " + r.body.substr(0, 300);
    return std::nullopt;
  }

  std::int64_t first_sent_ = 0, last_accept_ = 0;

private:
  const scenario& s_;
  std::uint16_t phase_;
  const std::vector<std::uint32_t>& plan_;
  double rate_;
  registry& reg_;
  std::uint16_t port_;
  producer_counters& c_;
  std::size_t first_seq_;
  std::size_t next_ = 0;
  std::string pad_;
  steady::time_point start_;
};

} // namespace

produce_result produce(const scenario& s, std::uint16_t phase_no,
                       const std::vector<std::uint32_t>& plan, double rate, registry& reg,
                       std::uint16_t hookd_port, producer_counters& counters) {
  produce_result out;
  out.first_seq = reg.messages.size();
  message_jobs jobs{s, phase_no, plan, rate, reg, hookd_port, counters};
  run_jobs(hookd_port, s.connections, jobs, std::chrono::seconds{30});
  out.end_seq = reg.messages.size();
  out.first_sent_ns = jobs.first_sent_;
  out.last_accept_ns = jobs.last_accept_;
  return out;
}

} // namespace hookd::bench

#include "bench/bench/store_query.hpp"

#include "bench/bench/client_pool.hpp"
#include "policy/time_format.hpp"

#include <nlohmann/json.hpp>

namespace hookd::bench {

const char* to_string(store_state s) {
  switch (s) {
    case store_state::unknown: return "unknown";
    case store_state::delivered: return "delivered";
    case store_state::pending: return "pending";
    case store_state::exhausted: return "exhausted";
    case store_state::endpoint_disabled: return "endpoint_disabled";
    case store_state::endpoint_deleted: return "endpoint_deleted";
    case store_state::missing: return "missing";
    case store_state::error: return "error";
  }
  return "?";
}

namespace {

/// GETs `targets[i]`, handing each answer to `on_answer(i, reply)`; retries failed GETs.
template <class OnAnswer>
class get_jobs : public job_source {
public:
  get_jobs(std::vector<std::string> targets, std::uint16_t port, OnAnswer on_answer)
      : targets_(std::move(targets)), port_(port), on_answer_(std::move(on_answer)) {}
  std::optional<job> next(std::chrono::nanoseconds&) override {
    if (next_ >= targets_.size())
      return std::nullopt;
    const auto i = next_++;
    return job{format_request("GET", targets_[i], port_), i, 0};
  }
  std::optional<std::chrono::milliseconds> finished(job& j, const reply& r) override {
    if ((r.status == 0 || r.status == 429 || r.status == 503) && j.tries < 50)
      return std::chrono::milliseconds{100};
    on_answer_(j.tag, r);
    return std::nullopt;
  }

private:
  std::vector<std::string> targets_;
  std::uint16_t port_;
  OnAnswer on_answer_;
  std::size_t next_ = 0;
};

template <class OnAnswer>
void get_all(std::vector<std::string> targets, std::uint16_t port, std::size_t connections,
             OnAnswer on_answer) {
  get_jobs<OnAnswer> jobs{std::move(targets), port, std::move(on_answer)};
  run_jobs(port, connections, jobs, std::chrono::seconds{60});
}

store_state state_of(const nlohmann::json& d) {
  const auto status = d.value("status", std::string{});
  if (status == "delivered")
    return store_state::delivered;
  if (status == "pending")
    return store_state::pending;
  if (status == "failed") {
    const auto reason = d["reason"].is_string() ? d["reason"].get<std::string>() : "";
    if (reason == "exhausted")
      return store_state::exhausted;
    if (reason == "endpoint_disabled")
      return store_state::endpoint_disabled;
    if (reason == "endpoint_deleted")
      return store_state::endpoint_deleted;
  }
  return store_state::error;
}

} // namespace

std::vector<store_state> query_messages(const registry& reg, const std::vector<std::size_t>& seqs,
                                        std::uint16_t port, std::size_t connections) {
  std::vector<store_state> out(seqs.size(), store_state::unknown);
  std::vector<std::string> targets;
  targets.reserve(seqs.size());
  for (auto seq : seqs)
    targets.push_back("/v1/messages/" + std::string{reg.messages[seq].message_id()});
  get_all(std::move(targets), port, connections, [&](std::size_t i, const reply& r) {
    if (r.status == 404) {
      out[i] = store_state::missing;
      return;
    }
    if (r.status != 200) {
      out[i] = store_state::error;
      return;
    }
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.contains("deliveries")) {
      out[i] = store_state::error;
      return;
    }
    const auto& want = reg.endpoints[reg.messages[seqs[i]].endpoint].hookd_id;
    out[i] = store_state::missing;
    for (const auto& d : j["deliveries"])
      if (d.value("endpoint_id", std::string{}) == want)
        out[i] = state_of(d);
  });
  return out;
}

std::vector<endpoint_state> query_endpoints(const registry& reg,
                                            const std::vector<std::uint32_t>& indices,
                                            std::uint16_t port, std::size_t connections) {
  std::vector<endpoint_state> out(indices.size());
  std::vector<std::string> targets;
  for (auto i : indices)
    targets.push_back("/v1/endpoints/" + reg.endpoints[i].hookd_id);
  get_all(std::move(targets), port, connections, [&](std::size_t i, const reply& r) {
    if (r.status != 200)
      return;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_discarded())
      return;
    out[i].status = j.value("status", std::string{});
    if (j.contains("disabled_reason") && j["disabled_reason"].is_string())
      out[i].disabled_reason = j["disabled_reason"].get<std::string>();
    if (auto t = parse_time(j.value("updated_at", std::string{})))
      out[i].updated_ms = to_unix_ms(*t);
  });
  return out;
}

} // namespace hookd::bench

#include "bench/bench/setup.hpp"

#include "bench/bench/client_pool.hpp"
#include "bench/common/clock.hpp"
#include "bench/common/secrets.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace hookd::bench {

namespace {

class endpoint_jobs : public job_source {
public:
  endpoint_jobs(const scenario& s, std::vector<std::uint32_t> to_create, registry& reg,
                std::uint16_t hookd_port, std::uint16_t receiver_port)
      : s_(s), to_create_(std::move(to_create)), reg_(reg), hookd_port_(hookd_port),
        receiver_port_(receiver_port) {}

  std::optional<job> next(std::chrono::nanoseconds&) override {
    if (next_ >= to_create_.size() || !error.empty())
      return std::nullopt;
    const auto index = to_create_[next_++];
    const auto& e = reg_.endpoints[index];
    nlohmann::json body = s_.groups[e.group].endpoint_fields;
    body["url"] = "http://127.0.0.1:" + std::to_string(receiver_port_) + "/e/" + e.name;
    body["secret"] = endpoint_secret(e.name);
    body["description"] = "hookd-bench " + e.name;
    return job{format_request("POST", "/v1/endpoints", hookd_port_, body.dump()), index, 0};
  }

  std::optional<std::chrono::milliseconds> finished(job& j, const reply& r) override {
    if (r.status == 201) {
      auto id_at = r.body.find("\"id\":\"");
      if (id_at == std::string::npos) {
        error = "201 without an id: " + r.body.substr(0, 300);
        return std::nullopt;
      }
      id_at += 6;
      reg_.endpoints[j.tag].hookd_id = r.body.substr(id_at, r.body.find('"', id_at) - id_at);
      ++created;
      return std::nullopt;
    }
    if ((r.status == 0 || r.status == 429 || r.status == 503) && j.tries < 200)
      return std::chrono::milliseconds{50};
    error = "POST /v1/endpoints for " + reg_.endpoints[j.tag].name + ": " +
            (r.status ? std::to_string(r.status) + " " + r.body.substr(0, 300) : r.error);
    return std::nullopt;
  }

  std::size_t created = 0;
  std::string error;

private:
  const scenario& s_;
  std::vector<std::uint32_t> to_create_;
  registry& reg_;
  std::uint16_t hookd_port_, receiver_port_;
  std::size_t next_ = 0;
};

} // namespace

setup_result create_endpoints(const scenario& s, const std::vector<std::string>& groups,
                              registry& reg, std::uint16_t hookd_port,
                              std::uint16_t receiver_port) {
  std::vector<std::uint32_t> to_create;
  for (const auto& name : groups) {
    const auto g = static_cast<std::uint32_t>(s.group_index(name));
    for (std::size_t i = 0; i < s.groups[g].count; ++i)
      to_create.push_back(reg.index_of(g, i));
  }
  const auto start = realtime_ns();
  endpoint_jobs jobs{s, std::move(to_create), reg, hookd_port, receiver_port};
  run_jobs(hookd_port, s.setup_connections, jobs);
  if (!jobs.error.empty())
    throw std::runtime_error(jobs.error);
  return {jobs.created, seconds_between(start, realtime_ns())};
}

} // namespace hookd::bench

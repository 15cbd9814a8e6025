#include "metrics/failure_board.hpp"

#include <algorithm>
#include <functional>

namespace hookd::metrics {
namespace {

constexpr duration forget_after = std::chrono::hours{24};

} // namespace

failure_board::shard& failure_board::shard_of(const std::string& endpoint_id) {
  return shards_[std::hash<std::string>{}(endpoint_id) % shards_.size()];
}

void failure_board::record_failure(const std::string& endpoint_id, const std::string& url,
                                   time_point at, int status_code,
                                   attempt_error error, const std::string& detail,
                                   const std::string& message_id) {
  auto& s = shard_of(endpoint_id);
  std::lock_guard lock{s.mutex};
  auto& e = s.entries[endpoint_id];
  e.last_hour.record(at, false);
  e.url = url;
  e.last_status_code = status_code;
  e.last_error = error;
  e.last_error_detail = detail;
  e.last_message_id = message_id;
  e.last_failure_at = at;
}

void failure_board::record_success(const std::string& endpoint_id, time_point at) {
  auto& s = shard_of(endpoint_id);
  std::lock_guard lock{s.mutex};
  if (auto it = s.entries.find(endpoint_id); it != s.entries.end())
    it->second.last_hour.record(at, true);
}

void failure_board::forget(const std::string& endpoint_id) {
  auto& s = shard_of(endpoint_id);
  std::lock_guard lock{s.mutex};
  s.entries.erase(endpoint_id);
}

void failure_board::prune(shard& s, time_point now) {
  std::erase_if(s.entries, [&](const auto& kv) { return now - kv.second.last_failure_at > forget_after; });
}

std::vector<failing_endpoint> failure_board::most_failing(time_point now, std::size_t n) const {
  std::vector<failing_endpoint> all;
  for (auto& s : shards_) {
    std::lock_guard lock{s.mutex};
    prune(s, now);
    for (const auto& [id, e] : s.entries) {
      const auto counts = e.last_hour.counts(now);
      if (counts.failed == 0)
        continue;
      all.push_back(failing_endpoint{id, e.url, counts.failed, counts.succeeded, e.last_status_code,
                                     e.last_error, e.last_error_detail, e.last_message_id,
                                     e.last_failure_at});
    }
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.failed_1h != b.failed_1h ? a.failed_1h > b.failed_1h : a.last_failure_at > b.last_failure_at;
  });
  if (all.size() > n)
    all.resize(n);
  return all;
}

} // namespace hookd::metrics

#include "metrics/endpoint_windows.hpp"

#include <functional>

namespace hookd::metrics {

endpoint_windows::shard& endpoint_windows::shard_of(const std::string& endpoint_id) const {
  return shards_[std::hash<std::string>{}(endpoint_id) % shards_.size()];
}

void endpoint_windows::record(const std::string& endpoint_id, time_point at, bool success) {
  auto& s = shard_of(endpoint_id);
  std::lock_guard lock{s.mutex};
  // Every 5 minutes a shard drops the entries with nothing in the hour before `at`.
  if (s.next_prune == no_time || at >= s.next_prune) {
    std::erase_if(s.entries, [&](const auto& e) { return e.second.counts(at).total() == 0; });
    s.next_prune = at + bucket_width;
  }
  s.entries.try_emplace(endpoint_id, bucket_width).first->second.record(at, success);
}

policy::attempt_counts endpoint_windows::last_hour(const std::string& endpoint_id,
                                                   time_point now) const {
  auto& s = shard_of(endpoint_id);
  std::lock_guard lock{s.mutex};
  auto it = s.entries.find(endpoint_id);
  return it == s.entries.end() ? policy::attempt_counts{} : it->second.counts(now);
}

void endpoint_windows::forget(const std::string& endpoint_id) {
  auto& s = shard_of(endpoint_id);
  std::lock_guard lock{s.mutex};
  s.entries.erase(endpoint_id);
}

std::size_t endpoint_windows::size() const {
  std::size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard lock{s.mutex};
    n += s.entries.size();
  }
  return n;
}

} // namespace hookd::metrics

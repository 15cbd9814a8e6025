#pragma once
// Each endpoint's attempt outcomes over the last hour, for its `success_rate_1h` (GET
// /v1/endpoints): twelve 5-minute buckets per endpoint that had an attempt in the last hour,
// kept in memory instead of an index on the attempt log (which put every attempt on a page of
// its own endpoint's: the largest share of the store's writes). An endpoint's entry goes once
// its newest bucket is an hour old, so memory follows the endpoints that are sending.
//
// After a restart the windows are filled again from the attempt log's last hour
// (store::store::for_each_attempt_since), so the rate does not start from nothing.
//
// Thread-safe: endpoint actors record from CAF's workers, the API reads; 16 shards, one lock
// and one hash lookup per call.
#include "policy/success_window.hpp"
#include "policy/time.hpp"

#include <array>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hookd::metrics {

class endpoint_windows {
public:
  static constexpr duration bucket_width = std::chrono::minutes{5};
  static constexpr std::size_t buckets = 12;

  /// One attempt of `endpoint_id` that started at `at`.
  void record(const std::string& endpoint_id, time_point at, bool success);

  /// The attempts of the hour ending at `now` (as coarse as the 5-minute buckets).
  policy::attempt_counts last_hour(const std::string& endpoint_id, time_point now) const;

  void forget(const std::string& endpoint_id);

  /// Endpoints with an entry (some may be stale until their shard is pruned).
  std::size_t size() const;

private:
  using window = policy::sliding_counts<buckets>;
  struct shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, window> entries;
    time_point next_prune = no_time;
  };

  shard& shard_of(const std::string& endpoint_id) const;

  mutable std::array<shard, 16> shards_;
};

} // namespace hookd::metrics

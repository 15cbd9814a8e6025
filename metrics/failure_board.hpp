#pragma once
// Which endpoints are failing, and how: for the dashboard's "most failing endpoints" and the
// bounded per-endpoint series of /metrics. An endpoint gets an entry at its first failure and
// loses it after a day without one, so memory follows the failing endpoints, not all of them.
// Successes only touch existing entries (one shard lock and a hash lookup per attempt).
#include "policy/outcome.hpp"
#include "policy/success_window.hpp"
#include "policy/time.hpp"

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace hookd::metrics {

struct failing_endpoint {
  std::string endpoint_id;
  std::string url;
  std::uint64_t failed_1h = 0;
  std::uint64_t succeeded_1h = 0;
  int last_status_code = 0;
  attempt_error last_error = attempt_error::none;
  std::string last_error_detail;
  std::string last_message_id;
  time_point last_failure_at = no_time;
};

class failure_board {
public:
  void record_failure(const std::string& endpoint_id, const std::string& url, time_point at,
                      int status_code,
                      attempt_error error, const std::string& detail,
                      const std::string& message_id);
  void record_success(const std::string& endpoint_id, time_point at);
  void forget(const std::string& endpoint_id);

  /// Up to `n` endpoints with the most failed attempts in the last hour (ties: the most recent
  /// failure first); endpoints without a failure in that hour are left out.
  std::vector<failing_endpoint> most_failing(time_point now, std::size_t n) const;

private:
  struct entry {
    policy::sliding_counts<12> last_hour{std::chrono::minutes{5}};
    std::string url;
    int last_status_code = 0;
    attempt_error last_error = attempt_error::none;
    std::string last_error_detail;
    std::string last_message_id;
    time_point last_failure_at = no_time;
  };
  struct shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, entry> entries;
  };

  shard& shard_of(const std::string& endpoint_id);
  static void prune(shard& s, time_point now);

  mutable std::array<shard, 16> shards_; ///< most_failing prunes expired entries as it reads
};

} // namespace hookd::metrics

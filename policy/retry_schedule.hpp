#pragma once
// When does a failed delivery get its next attempt? (docs/behaviour.md)
//
//   d(n) = min(max_interval, initial_interval × multiplier^(n−1)) × (1 + jitter × u),  u ∈ [0,1)
//
// A delivery is retried for at most `max_duration` after its first attempt. If the next due time
// would fall past the window's end, one last attempt is made exactly at the window's end; when
// that one fails too the delivery is exhausted. A `Retry-After` asking for more than d(n) wins,
// still capped by the window.
#include "policy/time.hpp"

#include <optional>

namespace hookd::policy {

struct retry_policy {
  duration initial_interval = std::chrono::seconds{120};
  double multiplier = 2.0;
  duration max_interval = std::chrono::hours{1};
  double jitter = 0.5;
  duration max_duration = std::chrono::hours{10};
  int breaker_threshold = 5;
};

/// d(n) for the n-th failed attempt (n ≥ 1) with jitter sample `u` in [0,1).
duration backoff_delay(const retry_policy& p, int n, double u);

/// Upper bound of d(n) over all n and u: max_interval × (1 + jitter).
duration max_backoff_delay(const retry_policy& p);

struct retry_decision {
  bool exhausted = false; ///< no further attempt: the delivery is failed/exhausted
  time_point next_at{};   ///< due time of the next attempt when not exhausted
  bool clamped = false;   ///< next_at was pulled in to the window's end (the last attempt)
};

/// Decides what follows the n-th failed attempt (n ≥ 1) made at `now` for a delivery whose
/// first attempt was at `first_attempt_at`. `retry_after` is the delay a 429/503 asked for.
retry_decision next_retry(const retry_policy& p, time_point first_attempt_at, time_point now, int n,
                          double u, std::optional<duration> retry_after = std::nullopt);

} // namespace hookd::policy

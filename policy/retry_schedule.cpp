#include "policy/retry_schedule.hpp"

#include <algorithm>
#include <cmath>

namespace hookd::policy {

duration backoff_delay(const retry_policy& p, int n, double u) {
  using fms = std::chrono::duration<double, std::milli>;
  const double initial = fms{p.initial_interval}.count();
  const double cap = fms{p.max_interval}.count();
  // multiplier^(n-1) overflows to inf for large n; min() with the cap keeps it finite.
  const double grown = initial * std::pow(p.multiplier, std::max(0, n - 1));
  const double base = std::min(cap, grown);
  const double jittered = base * (1.0 + p.jitter * std::clamp(u, 0.0, 1.0));
  return duration{static_cast<duration::rep>(jittered)};
}

duration max_backoff_delay(const retry_policy& p) {
  using fms = std::chrono::duration<double, std::milli>;
  return duration{static_cast<duration::rep>(fms{p.max_interval}.count() * (1.0 + p.jitter))};
}

retry_decision next_retry(const retry_policy& p, time_point first_attempt_at, time_point now, int n,
                          double u, std::optional<duration> retry_after) {
  const time_point window_end = first_attempt_at + p.max_duration;
  if (now >= window_end)
    return {.exhausted = true};
  duration delay = backoff_delay(p, n, u);
  if (retry_after && *retry_after > delay)
    delay = *retry_after;
  const time_point due = now + delay;
  if (due >= window_end)
    return {.exhausted = false, .next_at = window_end, .clamped = true};
  return {.exhausted = false, .next_at = due, .clamped = false};
}

} // namespace hookd::policy

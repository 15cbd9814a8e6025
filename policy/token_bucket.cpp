#include "policy/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace hookd::policy {
namespace {

/// 0 (unlimited) unless `rate` is a positive finite number.
double usable_rate(double rate) {
  return std::isfinite(rate) && rate > 0 ? rate : 0.0;
}

double usable_burst(double burst, double rate) {
  return std::isfinite(burst) && burst > 0 ? burst : std::max(1.0, rate);
}

/// Seconds from `from` to `to` (0 when `to` is not later), without integer overflow.
double seconds_between(time_point from, time_point to) {
  if (to <= from)
    return 0.0;
  return (static_cast<double>(to.time_since_epoch().count()) -
          static_cast<double>(from.time_since_epoch().count())) /
         1000.0;
}

/// now + wait, saturating at the end of the clock.
time_point saturating_add(time_point now, duration wait) {
  if (now > time_point::max() - wait)
    return time_point::max();
  return now + wait;
}

} // namespace

token_bucket::token_bucket(double rate_per_s, double burst, time_point now)
    : rate_(usable_rate(rate_per_s)), burst_(usable_burst(burst, rate_)), tokens_(burst_),
      updated_(now) {}

double token_bucket::tokens(time_point now) const {
  if (unlimited())
    return burst_;
  // elapsed * rate may be +inf (huge rate, long gap); min() with the finite burst bounds it.
  return std::min(burst_, tokens_ + seconds_between(updated_, now) * rate_);
}

bool token_bucket::try_take(time_point now) {
  if (unlimited())
    return true;
  tokens_ = tokens(now);
  updated_ = std::max(updated_, now);
  if (tokens_ < 1.0)
    return false;
  tokens_ -= 1.0;
  return true;
}

time_point token_bucket::next_available(time_point now) const {
  if (unlimited())
    return now;
  const double have = tokens(now);
  if (have >= 1.0)
    return now;
  // (1 - have) is in (0, 1] and rate_ is positive and finite: wait_ms is positive, maybe +inf.
  const double wait_ms = std::ceil((1.0 - have) / rate_ * 1000.0);
  const double max_ms = static_cast<double>(max_wait.count());
  const duration wait =
      wait_ms < max_ms ? duration{static_cast<duration::rep>(wait_ms)} : max_wait;
  return saturating_add(now, std::max(wait, duration{1}));
}

} // namespace hookd::policy

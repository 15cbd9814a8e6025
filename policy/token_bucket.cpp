#include "policy/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace hookd::policy {

token_bucket::token_bucket(double rate_per_s, double burst, time_point now)
    : rate_(rate_per_s), burst_(burst > 0 ? burst : std::max(1.0, rate_per_s)), tokens_(burst_),
      updated_(now) {}

double token_bucket::tokens(time_point now) const {
  if (unlimited())
    return burst_;
  const double elapsed_s =
      std::chrono::duration<double>(std::max(now - updated_, duration{0})).count();
  return std::min(burst_, tokens_ + elapsed_s * rate_);
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
  const double wait_ms = std::ceil((1.0 - have) / rate_ * 1000.0);
  return now + duration{static_cast<duration::rep>(wait_ms)};
}

} // namespace hookd::policy

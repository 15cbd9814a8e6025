#pragma once
// Token bucket for an endpoint's `rate_limit_per_s`: `rate` tokens per second accrue up to
// `burst`; each attempt takes one. A rate of 0 means unlimited.
#include "policy/time.hpp"

namespace hookd::policy {

class token_bucket {
public:
  /// burst <= 0 picks max(1, rate): one second's worth.
  token_bucket(double rate_per_s, double burst, time_point now);

  bool unlimited() const { return rate_ <= 0; }

  /// Takes one token when available at `now`.
  bool try_take(time_point now);

  /// The earliest instant at or after `now` at which a token is available.
  time_point next_available(time_point now) const;

  double tokens(time_point now) const;

private:
  double rate_;
  double burst_;
  double tokens_;
  time_point updated_;
};

} // namespace hookd::policy

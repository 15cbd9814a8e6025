#pragma once
// Token bucket for an endpoint's `rate_limit_per_s`: `rate` tokens per second accrue up to
// `burst`; each attempt takes one. A rate of 0 means unlimited.
//
// Overflow-proof for any double: a rate that is not a positive finite number (0, negative, NaN,
// +inf) is unlimited; a burst that is not positive and finite is one second's worth. Waits are
// computed in double and clamped to `max_wait` before they become milliseconds, so a tiny rate
// (1e-300) waits `max_wait` and asks again instead of converting 1e303 ms to an integer; the
// instant returned saturates at the end of the clock. Elapsed time is never computed by
// subtracting instants in integers.
#include "policy/time.hpp"

namespace hookd::policy {

class token_bucket {
public:
  /// The longest wait next_available reports. The API's slowest rate (0.001/s) waits 1000 s;
  /// slower rates (only reachable by bypassing the API) re-check once an hour.
  static constexpr duration max_wait = std::chrono::hours{1};

  /// burst <= 0 (or not finite) picks max(1, rate): one second's worth.
  token_bucket(double rate_per_s, double burst, time_point now);

  bool unlimited() const { return rate_ <= 0; }

  /// Takes one token when available at `now`.
  bool try_take(time_point now);

  /// The earliest instant at or after `now` at which a token is available, at most
  /// `now + max_wait` (a caller that wakes then without a token simply asks again).
  time_point next_available(time_point now) const;

  double tokens(time_point now) const;

private:
  double rate_;
  double burst_;
  double tokens_;
  time_point updated_;
};

} // namespace hookd::policy

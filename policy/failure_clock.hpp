#pragma once
// The 24-hour rule (docs/behaviour.md): an endpoint whose every attempt has failed for
// `failure_disable_after` — no success since its first failure, and that first failure at least
// that old — is disabled with reason `failing`. The clock's start (`failing_since`) is persisted
// on the endpoint so the rule survives restarts.
#include "policy/time.hpp"

namespace hookd::policy {

class failure_clock {
public:
  explicit failure_clock(time_point failing_since = no_time) : since_(failing_since) {}

  /// A success stops the clock. Returns true when the persisted state changed.
  bool on_success() {
    const bool changed = since_ != no_time;
    since_ = no_time;
    return changed;
  }

  /// A failure at `at` starts the clock unless it is running. True when the state changed.
  bool on_failure(time_point at) {
    if (since_ != no_time)
      return false;
    since_ = at;
    return true;
  }

  /// True when the endpoint must be disabled as `failing` at `now`.
  bool should_disable(time_point now, duration disable_after) const {
    return since_ != no_time && now - since_ >= disable_after;
  }

  time_point failing_since() const { return since_; }

private:
  time_point since_;
};

} // namespace hookd::policy

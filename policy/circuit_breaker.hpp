#pragma once
// Per-endpoint circuit breaker (docs/behaviour.md).
//
//   closed ──(threshold consecutive failures)──▶ open ──(probe due, probe started)──▶ probing
//     ▲                                           ▲                                   │
//     └──────────────(any success)────────────────┴────────(probe failed: open again)─┘
//
// While not closed, the endpoint makes no fresh attempts; it sends one probe at a time when
// `probe_due`, on the backoff schedule (the caller passes the delay for the next probe). A
// success — the probe's or that of an attempt that was already in flight — closes it.
#include "policy/time.hpp"

#include <string_view>

namespace hookd::policy {

class circuit_breaker {
public:
  enum class state { closed, open, probing };
  enum class transition { none, opened, closed };

  explicit circuit_breaker(int threshold) : threshold_(threshold < 1 ? 1 : threshold) {}

  state current() const { return state_; }
  bool is_closed() const { return state_ == state::closed; }
  int consecutive_failures() const { return failures_; }
  time_point next_probe_at() const { return next_probe_at_; }

  /// Failures beyond the threshold; the caller's backoff index for the next probe delay.
  int failures_beyond_threshold() const { return failures_ - threshold_ + 1; }

  /// True when open, no probe is in flight and the probe time has come.
  bool probe_due(time_point now) const { return state_ == state::open && now >= next_probe_at_; }

  void on_probe_started() { state_ = state::probing; }

  /// Whether a failure now would (re)schedule a probe, i.e. needs `next_probe_delay`.
  bool failure_schedules_probe(bool was_probe) const {
    return (state_ == state::closed && failures_ + 1 >= threshold_) ||
           (state_ == state::probing && was_probe);
  }

  /// What a parked endpoint keeps of its breaker (delivery/endpoint_memento.hpp). A probe is
  /// never in flight then, so `probing` is not a state that needs keeping.
  struct snapshot {
    int failures = 0;
    bool open = false;
    time_point next_probe_at = no_time;
  };
  snapshot save() const { return {failures_, state_ != state::closed, next_probe_at_}; }
  void restore(const snapshot& s) {
    failures_ = s.failures;
    state_ = s.open ? state::open : state::closed;
    next_probe_at_ = s.next_probe_at;
  }

  transition on_success() {
    failures_ = 0;
    if (state_ == state::closed)
      return transition::none;
    state_ = state::closed;
    return transition::closed;
  }

  /// `was_probe`: the failed attempt was the probe. `next_probe_delay` is used when this failure
  /// opens the breaker or ends a probe.
  transition on_failure(time_point now, bool was_probe, duration next_probe_delay) {
    ++failures_;
    if (state_ == state::closed && failures_ >= threshold_) {
      state_ = state::open;
      next_probe_at_ = now + next_probe_delay;
      return transition::opened;
    }
    if (state_ == state::probing && was_probe) {
      state_ = state::open;
      next_probe_at_ = now + next_probe_delay;
    }
    return transition::none;
  }

private:
  int threshold_;
  int failures_ = 0;
  state state_ = state::closed;
  time_point next_probe_at_ = no_time;
};

std::string_view to_string(circuit_breaker::state s);

} // namespace hookd::policy

#pragma once
// Cluster mode: until when this node may start attempts for the endpoints it owns. A lease
// renewed by a heartbeat sent at steady time `t` lasts until at least t + lease_ttl by the
// database's clock (the database adds lease_ttl when it executes the renewal, which is after
// `t`), so a node that stops starting attempts at t + lease_ttl - margin never attempts for an
// endpoint whose lease may have passed to another node: not after a lost database, not after a
// pause (SIGSTOP, a stalled machine), whose time the steady clock counts too.
//
// Written by the membership actor, read by every endpoint actor before it starts an attempt
// (one atomic load). One node (no cluster) never expires.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>

namespace hookd::policy {

class lease_deadline {
public:
  using clock = std::chrono::steady_clock;

  /// Attempts may start before `t`.
  void set(clock::time_point t) { until_ns_.store(t.time_since_epoch().count(), std::memory_order_release); }
  /// No attempt may start (the leases are gone).
  void revoke() { set(clock::time_point::min()); }

  bool allows(clock::time_point now) const {
    return now.time_since_epoch().count() < until_ns_.load(std::memory_order_acquire);
  }
  clock::time_point until() const {
    return clock::time_point{clock::duration{until_ns_.load(std::memory_order_acquire)}};
  }

  /// The deadline a renewal sent at `sent` gives: lease_ttl, less `margin` for the time
  /// between the check and the attempt's first byte.
  static clock::time_point after_renewal(clock::time_point sent, clock::duration lease_ttl,
                                         clock::duration margin) {
    return sent + lease_ttl - margin;
  }

private:
  std::atomic<clock::rep> until_ns_{std::numeric_limits<clock::rep>::max()};
};

} // namespace hookd::policy

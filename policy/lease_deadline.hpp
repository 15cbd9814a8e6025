#pragma once
// Cluster mode: until when this node may start attempts for the endpoints of each partition it
// holds. A lease renewed (or claimed) by a heartbeat sent at steady time `t` lasts until at
// least t + lease_ttl by the database's clock (the database adds lease_ttl when it executes the
// statement, which is after `t`), so a node that stops starting attempts at
// t + lease_ttl - margin never attempts for an endpoint whose lease may have passed to another
// node: not after a lost database, not after a pause (SIGSTOP, a stalled machine), whose time
// the steady clock counts too.
//
// One deadline per partition: a heartbeat that renews some leases but finds another expired
// moves only the renewed ones, so the expired partition's actors stop at once, before the
// dispatcher has even heard of the loss.
//
// Written by the membership actor, read by every endpoint actor before it starts an attempt
// (one atomic load). One node (no cluster, no partition) never expires.
#include "policy/cluster_partition.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>

namespace hookd::policy {

class lease_deadlines {
public:
  using clock = std::chrono::steady_clock;

  /// Attempts for partition `part` may start before `t`.
  void set(std::uint32_t part, clock::time_point t) {
    if (part < until_ns_.size())
      until_ns_[part].store(t.time_since_epoch().count(), std::memory_order_release);
  }
  void revoke(std::uint32_t part) { set(part, clock::time_point::min()); }
  void revoke_all() {
    for (std::uint32_t p = 0; p < until_ns_.size(); ++p)
      revoke(p);
  }

  /// `part` < 0: one node, no lease: always allowed.
  bool allows(std::int32_t part, clock::time_point now) const {
    if (part < 0)
      return true;
    const auto p = static_cast<std::size_t>(part);
    return p < until_ns_.size() &&
           now.time_since_epoch().count() < until_ns_[p].load(std::memory_order_acquire);
  }

  /// The deadline a renewal sent at `sent` gives: lease_ttl, less `margin` for the time
  /// between the check and the attempt's first byte.
  static clock::time_point after_renewal(clock::time_point sent, clock::duration lease_ttl,
                                         clock::duration margin) {
    return sent + lease_ttl - margin;
  }

private:
  std::array<std::atomic<clock::rep>, cluster_partitions> until_ns_{};
};

} // namespace hookd::policy

#pragma once
// Cluster membership storage: a node's heartbeat, its partition leases and the leader lock.
// PostgreSQL implements it (store/postgres/pg_cluster.hpp says what each call promises); the
// membership actor (actors/cluster_membership.hpp) is its only user. Every call throws
// store::error when the database cannot be reached; the caller connects again with a new
// instance.
#include "store/cluster_records.hpp"

#include <cstdint>
#include <vector>

namespace hookd::store {

class cluster_store {
public:
  virtual ~cluster_store() = default;

  /// Records the node alive with `me`'s figures (its node_id is the instance's; the heartbeat
  /// time is the database's), renews the unexpired leases among `held` (the partitions this
  /// process runs or is handing over) and releases any other lease under its node id (left by
  /// an earlier process with the same id, or dropped at the lease deadline), reads every lease
  /// and the live nodes, and tries to take the leader lock.
  virtual heartbeat_report heartbeat(const cluster_node& me,
                                     const std::vector<std::uint32_t>& held) = 0;
  /// Takes the free (unowned or expired) partitions among `parts`, each under a new epoch.
  virtual std::vector<lease_token> claim(const std::vector<std::uint32_t>& parts) = 0;
  /// Gives partitions up at once, and tells the other nodes.
  virtual void release(const std::vector<std::uint32_t>& parts) = 0;
  /// Releases every lease and leaves the live nodes.
  virtual void leave() = 0;
  /// The leader's housekeeping: forgets nodes not seen for `after`.
  virtual void forget_dead_nodes(duration after) = 0;
};

} // namespace hookd::store

#pragma once
// Cluster mode: this node's membership. Every `cluster.heartbeat` it records itself alive and
// renews its partition leases in the database (store/cluster_store.hpp), then plans
// (policy/lease_plan.hpp): it claims free partitions up to its share of the live nodes and
// hands the excess back. The dispatcher learns every change (leases_changed) and drains the
// actors of partitions to hand back before the membership releases them (release_leases), so
// their attempts in flight are recorded first.
//
// Fencing, the local half: each successful renewal moves the deadline of each renewed
// partition (engine_context::lease_deadlines, policy/lease_deadline.hpp) to when it was sent
// plus lease_ttl minus a margin; endpoint actors start no attempt past their partition's. A
// partition found expired or taken is revoked at once. When renewals keep failing (the
// database is unreachable) and the deadlines pass, those partitions are dropped
// (leases_changed, lost) and claimed again under new epochs once the database answers. The
// database half: the store writer checks each owner write's lease at commit.
//
// It also holds the leader lock when it can (engine_context::leader: the cluster-wide duties)
// and keeps the live nodes for GET /v1/cluster. On leave_atom (SIGTERM, after the engine
// drained) it releases every lease at once, so the other nodes take over without waiting for
// the leases to expire.
//
// Its calls block on the database: run it detached (tests under CAF's test coordinator spawn it
// attached).
#include "actors/engine_context.hpp"
#include "actors/interfaces.hpp"
#include "store/cluster_store.hpp"
#include "store/store.hpp"

#include <caf/actor_system.hpp>

#include <functional>
#include <memory>
#include <string>

namespace hookd {

struct cluster_membership_deps {
  engine_context_ptr ctx;
  dispatcher_actor dispatcher;
  /// A new connection to the cluster's database (throws store::error when unreachable).
  std::function<std::unique_ptr<store::cluster_store>()> connect;
  std::string version;
  /// How many endpoints this node owns now (shown per node in GET /v1/cluster).
  std::function<std::int64_t()> endpoints_owned;
};

/// Until when after a renewal sent at `sent` attempts may start: lease_ttl less this margin
/// (a fifth of lease_ttl, at most one second), for the time between the check and the attempt.
duration lease_margin(duration lease_ttl);

cluster_membership_actor spawn_cluster_membership(caf::actor_system& sys,
                                                  cluster_membership_deps deps,
                                                  bool detached = true);

} // namespace hookd

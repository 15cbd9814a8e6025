#pragma once
// Messages of cluster mode (several nodes on one PostgreSQL): lease changes from the membership
// actor to the dispatcher, work and endpoint changes other nodes announce (NOTIFY), and the
// cluster's view for GET /v1/cluster.
#include "messages/inspect.hpp"
#include "messages/records.hpp"
#include "store/cluster_records.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace hookd::store {
HOOKD_INSPECT(cluster_node, x.node_id, x.started_at, x.last_heartbeat_at, x.endpoints_owned,
              x.version, x.attempts_5m, x.failed_5m)
}

namespace hookd {

/// Membership → dispatcher: partitions this node now holds (spawn their endpoints' actors with
/// their pending deliveries) and partitions it lost (stop their actors at once: another node
/// may own them already).
struct leases_changed {
  std::vector<store::lease_token> gained;
  std::vector<std::uint32_t> lost;
};

/// Membership → dispatcher: partitions to hand over (rebalance, shutdown). The dispatcher stops
/// routing to them, lets their actors drain (attempts in flight finish and are recorded) and
/// answers; then the membership releases the leases.
struct release_leases {
  std::vector<std::uint32_t> parts;
};

/// A message committed on some node with deliveries in partition `part`.
struct announced_delivery {
  std::int64_t message_seq = 0;
  std::uint32_t part = 0;
};

/// Another node committed messages (NOTIFY hookd_deliveries): the owner loads the pending
/// deliveries of those in its partitions and routes them.
struct deliveries_announced {
  std::vector<announced_delivery> items;
};

/// Another node changed endpoints (NOTIFY hookd_endpoints): every node reloads them (its
/// registry), owners pass the change to their actors.
struct endpoints_announced {
  std::vector<std::string> endpoint_ids;
};

/// GET /v1/cluster (membership actor).
struct cluster_query {};

struct cluster_view {
  std::string node_id;
  bool leader = false;
  std::vector<store::cluster_node> nodes; ///< live nodes as of the last heartbeat
  std::uint32_t partitions_owned = 0;
};

HOOKD_INSPECT(leases_changed, x.gained, x.lost)
HOOKD_INSPECT(release_leases, x.parts)
HOOKD_INSPECT(announced_delivery, x.message_seq, x.part)
HOOKD_INSPECT(deliveries_announced, x.items)
HOOKD_INSPECT(endpoints_announced, x.endpoint_ids)
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_query&) {
  return f(caf::meta::type_name("cluster_query"));
}
HOOKD_INSPECT(cluster_view, x.node_id, x.leader, x.nodes, x.partitions_owned)

} // namespace hookd

#pragma once
// Plain records of cluster mode (store/postgres/pg_cluster.hpp reads and writes them): the
// nodes and the partition leases.
#include "policy/lease_plan.hpp"
#include "policy/time.hpp"
#include "store/records.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace hookd::store {

struct cluster_node {
  std::string node_id;
  time_point started_at = no_time;
  time_point last_heartbeat_at = no_time; ///< by the database's clock
  std::int64_t endpoints_owned = 0;
  std::string version;
  std::int64_t attempts_5m = 0; ///< its attempts in the 5 minutes before its last heartbeat
  std::int64_t failed_5m = 0;   ///< of which failed
};

/// What one heartbeat learned: the leases this node renewed, every lease, the live nodes, and
/// whether this node is the leader.
struct heartbeat_report {
  std::vector<lease_token> held;
  std::vector<policy::lease_row> leases;
  std::vector<cluster_node> live_nodes;
  bool leader = false;
};

} // namespace hookd::store

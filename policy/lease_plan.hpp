#pragma once
// Cluster mode: which partition leases a node claims and which it gives up at a heartbeat, so
// that the partitions spread evenly over the live nodes and move when nodes join or leave.
//
// Each node plans alone from what it read at its heartbeat (the leases and the number of live
// nodes); claims are conditional in the database (a lease another node holds unexpired is never
// taken), so two nodes planning at once cannot both win a partition. The rule:
// - a node's share is ceil(partitions / live nodes);
// - above its share it releases the excess, highest partitions first;
// - below it, it claims free partitions (no owner, or the lease expired) up to its share,
//   starting at an offset of its own so that nodes joining together reach for different ones.
// Holding more than the share only happens while the others have not joined yet, so a joining
// node takes partitions over within two heartbeats: one for the others to release, one to claim.
#include <cstdint>
#include <string>
#include <vector>

namespace hookd::policy {

struct lease_row {
  std::uint32_t part = 0;
  std::string owner; ///< empty: nobody
  bool expired = true; ///< by the database's clock
};

struct lease_plan {
  std::vector<std::uint32_t> claim;
  std::vector<std::uint32_t> release;
};

/// The share of one node among `live_nodes` (at least 1: the planner itself).
std::uint32_t lease_share(std::uint32_t partitions, std::size_t live_nodes);

/// `rows`: every partition's lease, one row each. `me`: this node's id.
lease_plan plan_leases(const std::string& me, std::size_t live_nodes,
                       const std::vector<lease_row>& rows);

} // namespace hookd::policy

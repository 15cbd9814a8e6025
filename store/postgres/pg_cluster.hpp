#pragma once
// Cluster membership in PostgreSQL (the layout is pg_schema.cpp's version 2): a node's
// heartbeat, its partition leases, and the leader lock. One instance is one connection of its
// own, used by one thread (actors/cluster_membership).
//
// - heartbeat() records the node as alive, renews the leases the process holds unexpired
//   (expires_at = now() + lease_ttl, by the database's clock; an expired lease is not renewed:
//   it must be claimed again, under a new epoch), releases leases under its node id that the
//   process does not hold (a restart with the same id, partitions dropped at the deadline), reads every lease and the live nodes, and tries to take
//   the leader lock (a session advisory lock: held until the session ends, so a dead node's
//   leadership passes on by itself).
// - claim() takes free partitions (no owner, or expired) under a new epoch; a partition another
//   node holds unexpired is never taken, so two nodes claiming at once cannot both win.
// - release() and leave() give partitions up at once (others may claim them at their next
//   heartbeat) and announce it (NOTIFY hookd_cluster), so the others need not wait for it.
// Every call throws store::error (kind failure) when the database cannot be reached; the
// caller makes a new instance to connect again.
#include "store/cluster_store.hpp"

#include <memory>
#include <string>
#include <vector>

namespace hookd::store {

namespace pg {
class connection;
}

class pg_cluster_store final : public cluster_store {
public:
  pg_cluster_store(const std::string& conninfo, std::string node_id, duration lease_ttl);
  ~pg_cluster_store() override;
  pg_cluster_store(const pg_cluster_store&) = delete;
  pg_cluster_store& operator=(const pg_cluster_store&) = delete;

  heartbeat_report heartbeat(const cluster_node& me,
                             const std::vector<std::uint32_t>& held) override;
  std::vector<lease_token> claim(const std::vector<std::uint32_t>& parts) override;
  void release(const std::vector<std::uint32_t>& parts) override;
  void leave() override;
  void forget_dead_nodes(duration after) override;

private:
  std::unique_ptr<pg::connection> db_;
  std::string node_id_;
  std::string ttl_; ///< lease_ttl as an interval literal ("10000 milliseconds")
  bool leader_ = false;
};

} // namespace hookd::store

#pragma once
// Cluster mode: a thread that waits for the other nodes' announcements (PostgreSQL NOTIFY on a
// connection of its own, store/postgres/pg_notifications.hpp) and hands them to the actors:
// committed work and endpoint changes to the dispatcher, released partitions to the membership
// (which plans at once). Announcements from this node itself are skipped (its dispatcher acted
// on them already).
//
// Notifications sent while no connection listens are lost, so after each (re)connection the
// dispatcher is told to read everything it owns again (resync_atom). A lost connection is made
// again after 0.5 s, then up to every 5 s.
#include "actors/interfaces.hpp"

#include <atomic>
#include <string>
#include <thread>

namespace hookd {

class cluster_listener {
public:
  cluster_listener(std::string conninfo, std::string node_id, dispatcher_actor dispatcher,
                   cluster_membership_actor membership);
  ~cluster_listener(); ///< stops the thread (within half a second) and joins it
  cluster_listener(const cluster_listener&) = delete;
  cluster_listener& operator=(const cluster_listener&) = delete;

private:
  void run();

  std::string conninfo_;
  std::string node_id_;
  dispatcher_actor dispatcher_;
  cluster_membership_actor membership_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

} // namespace hookd

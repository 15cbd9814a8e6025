#pragma once
// What every engine actor shares: the configuration, the clock, and the metrics it updates
// (atomics and locked windows, safe from any thread). Set up once at engine start.
#include "actors/wall_clock.hpp"
#include "config/config.hpp"
#include "metrics/failure_board.hpp"
#include "metrics/metrics.hpp"
#include "policy/lease_deadline.hpp"
#include "policy/success_window.hpp"

#include <atomic>
#include <memory>
#include <string>

namespace hookd {

/// Attempt counts written by one actor and read by another (two atomics; a reader may see one
/// updated before the other, which a 5-minute ratio does not notice).
class shared_attempt_counts {
public:
  void set(const policy::attempt_counts& c) {
    succeeded_.store(c.succeeded, std::memory_order_relaxed);
    failed_.store(c.failed, std::memory_order_relaxed);
  }
  policy::attempt_counts get() const {
    return {succeeded_.load(std::memory_order_relaxed), failed_.load(std::memory_order_relaxed)};
  }

private:
  std::atomic<std::uint64_t> succeeded_{0};
  std::atomic<std::uint64_t> failed_{0};
};

struct engine_context {
  std::shared_ptr<const config::config> cfg;
  wall_clock clock;
  std::shared_ptr<metrics::metrics> metrics = std::make_shared<metrics::metrics>();
  std::shared_ptr<metrics::failure_board> failures = std::make_shared<metrics::failure_board>();
  time_point started_at = no_time;
  /// Cluster mode: until when this node may start attempts, per partition
  /// (actors/cluster_membership keeps them ahead while it renews its leases). One node: actors
  /// carry no partition, and nothing expires for them.
  std::shared_ptr<policy::lease_deadlines> lease_deadlines =
      std::make_shared<policy::lease_deadlines>();
  /// Cluster mode: this node's id (config cluster.node_id or <hostname>-<pid>); empty: one node.
  std::string node_id;
  /// Cluster mode: whether this node is the leader (runs the cluster-wide duties).
  std::shared_ptr<std::atomic<bool>> leader = std::make_shared<std::atomic<bool>>(true);
  /// Cluster mode: /readyz fails while the database refuses writes (false from the writer's
  /// first failure until its next commit or the next heartbeat) or heartbeats fail.
  std::shared_ptr<std::atomic<bool>> store_writable = std::make_shared<std::atomic<bool>>(true);
  std::shared_ptr<std::atomic<bool>> cluster_in_touch = std::make_shared<std::atomic<bool>>(true);
  /// Cluster mode: every live node's attempts in its last 5 minutes, summed at this node's last
  /// heartbeat (the leader's high_retry_rate rule judges the cluster by them).
  std::shared_ptr<shared_attempt_counts> cluster_attempts_5m = std::make_shared<shared_attempt_counts>();
  /// Cluster mode: endpoints of the partitions this node holds (the dispatcher counts them).
  std::shared_ptr<std::atomic<std::int64_t>> endpoints_owned =
      std::make_shared<std::atomic<std::int64_t>>(0);
};

using engine_context_ptr = std::shared_ptr<const engine_context>;

/// The id of the internal endpoint that carries alerts to `alerts.alert_url`. It is not a
/// ULID, so it never collides with an endpoint created through the API, and the API hides it.
inline constexpr const char* alert_endpoint_id = "ep_hookd_alerts";

} // namespace hookd

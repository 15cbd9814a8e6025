#pragma once
// Prometheus text exposition format 0.0.4 of hookd's metrics (docs/operations.md): counters and
// histograms from `metrics`, gauges of stored state from `store_counts`, and a bounded set of
// per-endpoint series (the `failing` endpoints passed in, at most a handful).
#include "metrics/failure_board.hpp"
#include "metrics/metrics.hpp"
#include "store/records.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hookd::metrics {

/// Cluster mode's figures of this node (hookd_cluster_nodes, hookd_endpoints_owned,
/// hookd_cluster_leader).
struct cluster_figures {
  std::int64_t live_nodes = 0;
  std::int64_t endpoints_owned = 0;
  std::int64_t partitions_owned = 0;
  bool leader = false;
};

std::string render_prometheus(const metrics& m, const store::store_counts& counts,
                              const std::vector<failing_endpoint>& failing,
                              const std::optional<cluster_figures>& cluster = std::nullopt);

/// The Content-Type of the exposition.
inline constexpr const char* exposition_content_type = "text/plain; version=0.0.4; charset=utf-8";

} // namespace hookd::metrics

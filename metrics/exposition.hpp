#pragma once
// Prometheus text exposition format 0.0.4 of hookd's metrics (docs/operations.md): counters and
// histograms from `metrics`, gauges of stored state from `store_counts`, and a bounded set of
// per-endpoint series (the `failing` endpoints passed in, at most a handful).
#include "metrics/failure_board.hpp"
#include "metrics/metrics.hpp"
#include "store/records.hpp"

#include <string>
#include <vector>

namespace hookd::metrics {

std::string render_prometheus(const metrics& m, const store::store_counts& counts,
                              const std::vector<failing_endpoint>& failing);

/// The Content-Type of the exposition.
inline constexpr const char* exposition_content_type = "text/plain; version=0.0.4; charset=utf-8";

} // namespace hookd::metrics

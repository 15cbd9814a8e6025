#pragma once
// The same scenario run several times in one invocation, alternating store set-ups (one hookd
// on SQLite, then 1, 2, 3 … cluster nodes on PostgreSQL) round by round, so every set-up sees
// the same machine state; then a table of medians and ratios to the first set-up. This is how
// docs/benchmarks.md compares a cluster with one node ("Cluster").
#include "bench/bench/results.hpp"
#include "bench/bench/runner.hpp"
#include "bench/bench/scenario.hpp"

#include <ostream>
#include <vector>

namespace hookd::bench {

/// Runs `s` with each of `node_counts` (0: SQLite) per round, `rounds` times. Each run's own
/// report goes to `<work dir>/<round>-<nodes>/report.txt` and its JSON beside it; the summary
/// goes to `out`. Returns every run, in the order run.
std::vector<run_result> run_series(const scenario& s, const std::vector<std::size_t>& node_counts,
                                   std::size_t rounds, const run_options& o, std::ostream& out);

} // namespace hookd::bench

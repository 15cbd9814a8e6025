#pragma once
// A cluster's takeover after `kill -9` of one node that stays down: how long until the other
// nodes own all of its partitions, and how long until the deliveries it held are made.
#include "bench/bench/analysis.hpp"
#include "bench/bench/hookd_nodes.hpp"
#include "bench/bench/results.hpp"

namespace hookd::bench {

/// Node `dead` was killed at `killed_ns` (CLOCK_REALTIME), `at_s` into the load: records both
/// in `out` and waits (at most 60 s) until the survivors own every partition.
void measure_takeover(hookd_nodes& nodes, std::size_t dead, std::int64_t killed_ns, double at_s,
                      takeover_result& out);

/// The messages the kill held up: accepted before the others owned every partition, and
/// delivered more than 0.5 s after the kill or their acceptance, whichever came later (the dead
/// node's pending and in-flight work, and what was accepted for its endpoints meanwhile); and
/// the seconds from the kill until the last of them was delivered.
void tally_stranded(const registry& reg, const observations& obs, takeover_result& out);

} // namespace hookd::bench

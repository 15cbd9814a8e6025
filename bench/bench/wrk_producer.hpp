#pragma once
// The wrk producer (load.producer = "wrk" or "both"): wrk (Debian package `wrk`) runs
// bench/wrk/ingest.lua and posts a phase's messages to hookd from `load.connections`
// connections, so the producer's CPU is wrk's, not the bench's. The bench writes the plan file
// the script reads (the endpoints in plan order with their message counts, the payload size,
// the token), waits until the script has had a final answer for every message, stops wrk and
// reads back what the script saw: each 202's message id, endpoint and time. Those become
// registry messages like the built-in producer's, so delivery is checked per message id; they
// have no "posted" time (wrk cannot tell which request an answer belongs to), so they count in
// accepted→delivered latency only.
#include "bench/bench/producer.hpp"
#include "bench/bench/results.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace hookd::bench {

/// The plan file for bench/wrk/ingest.lua: "messages N", "pad N", "token T" (when not empty)
/// and one "endpoint ID GROUP COUNT" per endpoint of `plan`, in order of first appearance
/// (message_plan's rounds visit them in that order).
std::string wrk_plan_file(const scenario& s, const std::vector<std::uint32_t>& plan,
                          const registry& reg, const std::string& token);

/// Runs wrk for one phase; appends its accepted messages to `reg` and fills `out`. Throws when
/// wrk is missing or cannot be started. Gives up (and stops wrk) after `timeout_s`.
produce_result produce_with_wrk(const scenario& s, std::uint16_t phase_no,
                                const std::vector<std::uint32_t>& plan, registry& reg,
                                std::uint16_t hookd_port, double timeout_s,
                                const std::string& work_dir, producer_counters& counters,
                                wrk_producer_result& out);

} // namespace hookd::bench

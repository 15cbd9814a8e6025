#pragma once
// One scenario run end to end: receiver and hookd up, phases (create endpoints, produce, wait
// until final, memory snapshot), crashes, the receiver's records and hookd's answers turned
// into figures, hookd stopped, the wrk baseline, checks.
#include "bench/bench/results.hpp"
#include "bench/bench/scenario.hpp"

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace hookd::bench {

struct run_options {
  std::string hookd_binary;
  std::string receiver_binary;
  std::string work_dir;
  std::uint16_t target_port = 0; ///< > 0: use the hookd already running there
  pid_t target_pid = -1;         ///< its pid, for RSS/CPU (optional)
  bool wrk = true;
};

run_result run_scenario(const scenario& s, const run_options& o);

} // namespace hookd::bench

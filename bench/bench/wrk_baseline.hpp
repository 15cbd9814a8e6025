#pragma once
// The physical limit, measured in the same run: wrk (Debian package `wrk`) POSTing a JSON body
// of the scenario's payload size to the receiver's /e/wrk with the same number of connections
// hookd used. Missing wrk is reported (the ratio is skipped), never an error.
#include "bench/bench/results.hpp"

#include <cstdint>
#include <string>

namespace hookd::bench {

wrk_result run_wrk(std::uint16_t receiver_port, std::size_t connections, double duration_s,
                   std::size_t payload_bytes, const std::string& work_dir);

} // namespace hookd::bench

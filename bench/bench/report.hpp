#pragma once
// The run's report: a human table on stdout and the same figures as JSON.
#include "bench/bench/results.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace hookd::bench {

void print_report(const run_result& r, std::ostream& out);
nlohmann::json to_json(const run_result& r);

/// `v` through snprintf's `format` (one double).
std::string fmt(const char* format, double v);

} // namespace hookd::bench

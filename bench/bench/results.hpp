#pragma once
// The figures of one run, per endpoint group and in total, and the checks against the
// scenario's expectations. Filled by analysis.cpp and runner.cpp, printed by report.cpp.
#include "bench/bench/proc_sampler.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hookd::bench {

struct percentiles {
  std::size_t n = 0;
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
};
/// Exact percentiles (nearest rank) of `values` (sorted in place).
percentiles compute_percentiles(std::vector<double>& values);

struct tally {
  std::size_t endpoints = 0;
  std::size_t accepted = 0;          ///< 202s
  std::size_t delivered = 0;         ///< the receiver answered 2xx at least once
  std::size_t first_try = 0;         ///< … on the first attempt
  std::size_t exhausted = 0;         ///< failed/exhausted per hookd
  std::size_t endpoint_disabled = 0; ///< failed/endpoint_disabled
  std::size_t endpoint_deleted = 0;
  std::size_t pending = 0;           ///< still pending at the end
  std::size_t lost = 0;              ///< neither delivered, failed nor pending
  std::size_t unverified = 0;        ///< not delivered and not looked up (over verify_limit)
  std::size_t in_doubt = 0;          ///< posts with no answer (never counted as accepted)
  std::size_t duplicates = 0;        ///< requests after a 2xx for the same (endpoint, id)
  std::size_t misrouted = 0;         ///< arrived at another endpoint than the one posted to
  std::size_t bad_signature = 0;
  std::size_t requests = 0;          ///< recorded at the receiver for these endpoints
  std::size_t attempts_delivered = 0; ///< attempts over delivered deliveries
  std::size_t max_attempts = 0;       ///< per delivery, any outcome
  std::array<std::size_t, 6> attempts_hist{}; ///< delivered after 1, 2, 3, 4, 5, 6+ attempts
  std::vector<double> latency_ms;     ///< accepted (202 read) → first-attempt success, ≥ 0
  percentiles latency;
  std::vector<double> posted_latency_ms; ///< POST written → first-attempt success
  percentiles posted_latency;
  std::size_t before_202 = 0;         ///< first-attempt successes that arrived before the 202
  // endpoint states (when looked up)
  std::size_t looked_up = 0, ep_enabled = 0, ep_gone = 0, ep_failing = 0, ep_manual = 0;
  std::optional<double> disable_after_min_s, disable_after_max_s; ///< first failure → disabled

  double delivered_ratio() const {
    return accepted ? static_cast<double>(delivered) / static_cast<double>(accepted) : 1.0;
  }
  double attempts_per_delivery() const {
    return delivered ? static_cast<double>(attempts_delivered) / static_cast<double>(delivered)
                     : 0.0;
  }
};

struct phase_result {
  std::string name;
  std::size_t endpoints_created = 0;
  double setup_s = 0;
  std::size_t messages = 0, accepted = 0;
  std::int64_t first_sent_ns = 0, last_accept_ns = 0, last_delivery_ns = 0;
  double produce_s = 0;
  double accepted_per_s = 0, delivered_per_s = 0;
  double settle_s = 0; ///< end of produce → final
  bool settled = true;
  std::int64_t rss_bytes = 0;   ///< hookd's RSS at the end of the phase
  std::int64_t pending = -1;    ///< /v1/stats pending at the end of the phase
  std::size_t endpoints_total = 0, deliveries_total = 0; ///< so far
};

struct check {
  std::string what;
  bool pass = false;
  std::string detail;
};

struct wrk_result {
  bool ran = false;
  std::string skipped; ///< why not
  std::size_t connections = 0;
  double duration_s = 0;
  double requests_per_s = 0;
  std::string command;
};

/// The wrk producer's own account of the phase it posted (`load.producer`, wrk_producer.hpp).
struct wrk_producer_result {
  bool ran = false;
  std::string command;
  std::string phase;
  std::size_t connections = 0;
  std::uint64_t issued = 0;      ///< message posts written (429/503 re-posts included)
  std::uint64_t accepted = 0;    ///< 202s counted by the script
  std::uint64_t ids_read = 0;    ///< 202s with their message id in the output file
  std::uint64_t unmatched = 0;   ///< … whose endpoint_id is none of the run's endpoints
  std::uint64_t retried_429 = 0, retried_503 = 0;
  std::uint64_t final_answers = 0; ///< 202 and other final statuses (not 429/503)
  std::map<int, std::uint64_t> rejected; ///< final statuses other than 202
  std::uint64_t errors_connect = 0, errors_read = 0, errors_write = 0, errors_timeout = 0;
  bool stopped_itself = false; ///< the script saw every final answer (else: time-out)
  double cpu_s = 0;            ///< wrk's user + system CPU
  std::uint64_t unanswered() const {
    const auto answered = final_answers + retried_429 + retried_503;
    return issued > answered ? issued - answered : 0;
  }
};

/// Main-phase throughput by the producer that posted it (both with load.producer = "both").
struct producer_figure {
  std::string producer; ///< "builtin" (hookd-bench's client) or "wrk"
  std::string phase;
  double accepted_per_s = 0, delivered_per_s = 0;
  double producer_cpu_s = -1; ///< wrk's CPU for "wrk"; -1: not measured apart
};

/// A cluster node killed with SIGKILL and left down (scenario [crash] restart = false).
struct takeover_result {
  bool measured = false;
  std::size_t node = 0;          ///< 1-based
  std::size_t nodes = 0;         ///< in the cluster before the kill
  std::int64_t killed_ns = 0;    ///< CLOCK_REALTIME
  double killed_at_s = 0;        ///< after the first message phase started
  std::optional<double> partitions_s; ///< kill → the survivors own all 256 partitions
  std::size_t stranded = 0;      ///< held up by the kill (takeover.hpp)
  std::size_t stranded_delivered = 0;
  std::optional<double> stranded_last_s; ///< kill → the last of them delivered
};

struct run_result {
  std::string scenario, description, scenario_path, hookd_command, work_dir, started_at;
  std::vector<std::string> group_names;
  std::vector<tally> groups;
  tally total;
  std::vector<phase_result> phases;
  std::size_t unknown_ids = 0; ///< receiver saw webhook-ids no producer was told about
  std::size_t kills = 0;
  std::size_t nodes = 0;          ///< cluster nodes (0: one hookd on SQLite)
  takeover_result takeover;
  std::map<std::string, std::uint64_t> producer; ///< producer counters
  std::map<int, std::uint64_t> rejected_by_status;
  std::string first_rejection;
  std::map<std::string, double> receiver;        ///< receiver /_ctl/stats at the end
  proc_usage hookd_usage, receiver_usage;
  std::int64_t baseline_rss = 0; ///< hookd's RSS once ready, before any endpoint
  double bench_cpu_s = 0;
  double load_wall_s = 0;          ///< from the first post to the last settle
  std::optional<int> hookd_exit;   ///< SIGTERM exit status at the end
  wrk_result wrk;     ///< same connections as hookd had open at the receiver (the ratio)
  wrk_result wrk_c64; ///< -c64, the reference configuration of docs/benchmarks.md
  double delivered_per_s = 0;      ///< of the main message phase
  double accepted_per_s = 0;
  std::string producer_mode = "builtin"; ///< load.producer
  std::vector<producer_figure> by_producer;
  wrk_producer_result wrk_producer;
  std::vector<check> checks;
  bool passed() const {
    for (const auto& c : checks)
      if (!c.pass)
        return false;
    return true;
  }
};

} // namespace hookd::bench

#pragma once
// A benchmark scenario as read from its TOML file (format in README.md): hookd's flags, the
// endpoint groups (shared with the receiver), load settings, phases, crashes, the wrk baseline
// and the expectations the bench checks.
#include "bench/common/endpoint_group.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hookd::bench {

struct phase_spec {
  std::string name;
  std::vector<std::string> create;  ///< groups registered at the phase's start
  std::vector<std::string> targets; ///< groups the phase's messages go to (weighted)
  std::size_t messages = 0;         ///< total; or rate × duration
  double rate = 0;                  ///< messages/s over all producers; 0: as fast as possible
  double duration_s = 0;            ///< with rate: messages = rate × duration
  bool wait_final = true;           ///< wait until /v1/stats has pending = 0 and in_flight = 0
  double timeout_s = 180;           ///< bound on that wait
  double sleep_after_s = 0;         ///< then wait this long (before the memory snapshot)
  bool by_wrk = false;              ///< posted by wrk (load.producer), not the bench's client
};

struct crash_spec {
  std::vector<double> at_s; ///< kill -9 at these times after the first message phase started
  double restart_after_s = 0.5;
  bool restart = true;      ///< false: the node stays down (a cluster's takeover)
  std::size_t node = 0;     ///< which node (0-based; [crash] node is 1-based)
};

/// Where hookd keeps its data: one process on SQLite (nodes = 0, the default), or `nodes`
/// processes of one cluster on a throw-away PostgreSQL 15 that the bench starts (fsync on).
struct cluster_spec {
  std::size_t nodes = 0;
};

struct wrk_spec {
  bool enabled = true;
  double duration_s = 5;
  std::size_t connections = 0; ///< 0: hookd's peak connection count at the receiver
};

struct expectations {
  std::size_t lost = 0; ///< always checked
  std::optional<std::size_t> duplicates_max;
  std::size_t invalid_signatures = 0; ///< always checked
  bool settled = true;                ///< nothing pending at the end (when the last phase waits)
};

struct scenario {
  std::string name;
  std::string description;
  std::string path;
  std::string hookd_config; ///< passed as --config (relative paths: from the scenario's folder)
  std::vector<std::pair<std::string, std::string>> hookd_flags; ///< "--k=v" pairs, file order
  int receiver_threads = 1;
  std::size_t connections = 16;       ///< producer connections
  std::size_t setup_connections = 8;  ///< for creating endpoints and the final GETs
  std::size_t payload_bytes = 512;
  bool idempotency_keys = false;
  std::size_t batch = 1;              ///< messages per post; > 1: POST /v1/messages/batch
  std::string producer = "builtin";   ///< main phase posted by "builtin", "wrk" or "both" in turn
  std::size_t verify_limit = 200000;  ///< message GETs at the end, at most (then a sample)
  std::vector<endpoint_group> groups;
  std::vector<phase_spec> phases;
  std::optional<crash_spec> crash;
  cluster_spec cluster;
  wrk_spec wrk;
  expectations expect;

  const endpoint_group* group(const std::string& name) const;
  std::size_t group_index(const std::string& name) const;
};

/// Reads a scenario file; `path` may omit ".toml". Throws std::runtime_error with the reason.
scenario load_scenario(const std::string& path);

/// Checks [crash] against [cluster] (after command-line overrides); throws saying what is wrong.
void check_cluster(const scenario& s);

/// Scales every phase's message count by `factor` (quick trial runs).
void scale_messages(scenario& s, double factor);

/// The phase with the most messages (the first of equals): throughput and wrk connections.
std::size_t main_phase_index(const scenario& s);

/// Applies s.producer: "wrk" has wrk post the main phase; "both" adds a copy of the main phase
/// right after it ("<name>-wrk", no endpoints created) that wrk posts. Throws when the scenario
/// needs what the wrk producer cannot do (crashes, batches, a rate, idempotency keys).
void apply_producer(scenario& s);

} // namespace hookd::bench

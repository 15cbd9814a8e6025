#pragma once
// The hookd processes of a run: one hookd on SQLite (the default), or the `[cluster] nodes` of
// one cluster on a throw-away PostgreSQL 15 the bench starts (fsync on, as in production), each
// node on its own port with its own node id ("node-1", "node-2", …). With --target, one hookd
// that is already running. Also samples each node's RSS and CPU and measures a takeover.
#include "bench/bench/hookd_instance.hpp"
#include "bench/bench/interrupt.hpp"
#include "bench/bench/proc_sampler.hpp"
#include "bench/bench/scenario.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace hookd::testing {
class postgres_server;
}

namespace hookd::bench {

struct run_options;

class hookd_nodes {
public:
  hookd_nodes(const scenario& s, const run_options& o);
  ~hookd_nodes();
  hookd_nodes(const hookd_nodes&) = delete;
  hookd_nodes& operator=(const hookd_nodes&) = delete;

  /// Starts every node; returns when each answers /readyz and, in a cluster, when the nodes
  /// own the 256 partitions evenly (the load then meets the steady state, not a rebalance).
  void start();

  bool spawned() const { return nodes_.front().spawned(); }
  bool clustered() const { return postgres_ != nullptr; }
  std::size_t size() const { return nodes_.size(); }
  hookd_instance& node(std::size_t i) { return nodes_.at(i); }

  /// A live node's port, for setup calls, polling and look-ups (every node reads one store).
  std::uint16_t port() const;
  /// Every live node's port: producer connections are spread over them, and a settled run
  /// has nothing in flight on any of them.
  std::vector<std::uint16_t> ports() const;

  void kill9(std::size_t i);
  void restart(std::size_t i, std::chrono::milliseconds limit);

  /// RSS and CPU summed over the nodes (peak: the sum of each node's peak).
  proc_usage sample();
  /// The same from the samplers' latest readings (no new reading; any thread).
  proc_usage last() const;
  /// SIGTERM to every live node; the first non-zero exit status, else 0 (nullopt: one had to
  /// be killed).
  std::optional<int> terminate();

  /// How each node was started (the report), and the PostgreSQL server's settings.
  std::string command_line() const;

  /// After node `dead` was killed at `killed_ns` (CLOCK_REALTIME): polls the others'
  /// GET /v1/cluster every 50 ms until they own all 256 partitions between them; the seconds
  /// from the kill until then, or nullopt when that did not happen within `limit`.
  std::optional<double> wait_takeover(std::size_t dead, std::int64_t killed_ns,
                                      std::chrono::milliseconds limit);

private:
  void wait_balanced(std::chrono::milliseconds limit);

  std::unique_ptr<testing::postgres_server> postgres_;
  std::vector<hookd_instance> nodes_;
  mutable std::mutex mutex_; ///< kill9 and restart (the crash thread) against port and ports
  std::vector<std::unique_ptr<proc_sampler>> usage_;
  std::unique_ptr<interrupt_cleanup> on_interrupt_; ///< last: unregistered first
};

} // namespace hookd::bench

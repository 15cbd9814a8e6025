#pragma once
// The real `hookd` binary (HOOKD_BINARY, set by CMake) as a child process on 127.0.0.1, for
// end-to-end, crash and shutdown tests.
//
// - The constructor picks a free loopback port and a temp data dir; nothing runs yet.
// - start() spawns hookd with flags only (no config file): --server.listen, the store (SQLite:
//   --store.path in the data dir; PostgreSQL: --store.backend/--store.url, see store_choice
//   below), private targets allowed, compressed --retry.*/--http.*/--endpoints.* durations
//   (compressed_config), plus the caller's extra flags; stdout and stderr are appended to files
//   in the data dir. It waits (bounded) until GET /readyz answers 200.
// - terminate() sends SIGTERM and waits for the exit status; kill9() sends SIGKILL and reaps.
//   start() again reuses the same port and data dir (a restart).
// - The destructor SIGKILLs a child still running, so no test leaves a daemon behind.
// run_hookd() runs the binary to completion for CLI checks (--help, --version, bad config).
#include "store/store.hpp"
#include "tests/support/http_exchange.hpp"
#include "tests/support/temp_dir.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hookd::testing {

/// The flags that give hookd compressed_config()'s retry, endpoint and HTTP durations.
std::vector<std::string> compressed_flags();

/// The store a daemon_process runs on: a PostgreSQL connection string, or empty for SQLite in
/// its data dir. The default (default_store()) is PostgreSQL on a fresh database of the test
/// run's server when HOOKD_TEST_POSTGRES is set (test_daemon's PostgreSQL pass), else SQLite.
struct store_choice {
  std::string postgres;
};
store_choice default_store();

class daemon_process {
public:
  explicit daemon_process(std::vector<std::string> extra_flags = {},
                          store_choice store = default_store());
  ~daemon_process();
  daemon_process(const daemon_process&) = delete;
  daemon_process& operator=(const daemon_process&) = delete;

  /// Spawns hookd and waits until /readyz is 200 (fails the test after `ready_limit`).
  void start(std::chrono::milliseconds ready_limit = std::chrono::seconds{15});
  /// SIGTERM, then waits up to `limit` for the exit; returns the exit status (128 + signal
  /// when killed by one), or nullopt when it did not exit in time (it is SIGKILLed then).
  std::optional<int> terminate(std::chrono::milliseconds limit = std::chrono::seconds{20});
  /// SIGTERM without waiting (pair with wait_exit).
  void send_sigterm();
  /// Waits up to `limit` for the exit; the status as for terminate(), nullopt on time-out.
  std::optional<int> wait_exit(std::chrono::milliseconds limit);
  /// SIGKILL and reap.
  void kill9();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:<port><target>".
  std::string url(std::string_view target) const;
  /// The SQLite file (meaningful when the daemon runs on SQLite).
  const std::string& db_path() const { return db_path_; }
  /// A read-only store instance on the daemon's database, whichever kind it is.
  std::unique_ptr<store::store> open_store_reader() const;
  /// Everything hookd wrote to stderr so far (all runs).
  std::string log() const;
  /// How many times it was started.
  int starts() const { return starts_; }

private:
  temp_dir dir_;
  std::uint16_t port_;
  std::string db_path_;
  store_choice store_;
  std::string stdout_path_;
  std::string stderr_path_;
  std::vector<std::string> extra_flags_;
  pid_t pid_ = -1;
  int starts_ = 0;
};

struct process_result {
  int exit_code = -1; ///< 128 + signal when killed; -1 when it did not finish in time
  std::string out;
  std::string err;
};

/// Runs hookd with `args` (the environment minus HOOKD_* variables, plus `env`) until it exits
/// or `limit` passes (then it is killed).
process_result run_hookd(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {},
                         std::chrono::milliseconds limit = std::chrono::seconds{10});

} // namespace hookd::testing

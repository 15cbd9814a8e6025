#pragma once
// The hookd under test: spawned by the bench with a fresh data dir and the scenario's flags,
// or an already running one (--target; then it can be neither killed nor restarted).
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hookd::bench {

class hookd_instance {
public:
  /// A hookd to spawn: `binary`, data under `work_dir`, `flags` as "--k=v" (scenario order).
  hookd_instance(std::string binary, std::string work_dir,
                 std::vector<std::pair<std::string, std::string>> flags);
  /// A running hookd on 127.0.0.1:`port` (pid for /proc sampling, or -1).
  static hookd_instance attach(std::uint16_t port, pid_t pid);
  ~hookd_instance();
  hookd_instance(hookd_instance&&) = default;

  /// Spawns (or restarts on the same data dir) and waits until GET /readyz is 200. Throws with
  /// the tail of hookd's log when it exits or is not ready within `limit`.
  void start(std::chrono::milliseconds limit = std::chrono::seconds{60});
  void kill9();
  /// SIGTERM and wait; the exit status, nullopt when it had to be killed.
  std::optional<int> terminate(std::chrono::milliseconds limit = std::chrono::seconds{60});

  bool spawned() const { return !binary_.empty(); }
  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  const std::string& db_path() const { return db_path_; }
  const std::string& log_path() const { return stderr_path_; }
  /// The command line used (for the report).
  std::string command_line() const;
  std::string log_tail(std::size_t bytes = 3000) const;

private:
  hookd_instance() = default;
  std::vector<std::string> argv() const;

  std::string binary_;
  std::string work_dir_;
  std::string db_path_;
  std::string stderr_path_;
  std::vector<std::pair<std::string, std::string>> flags_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

} // namespace hookd::bench

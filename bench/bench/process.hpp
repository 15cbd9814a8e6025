#pragma once
// Child processes for the bench (hookd, the receiver, wrk): posix_spawn with stdin from
// /dev/null and stdout/stderr to files (or stdout to a pipe), HOOKD_* variables removed from
// the environment so the caller's shell cannot change the scenario's configuration.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hookd::bench {

struct child {
  pid_t pid = -1;
  int stdout_pipe = -1; ///< read end when spawned with a pipe, else -1
};

/// Spawns `argv[0]` with `argv`. stdout: `stdout_path` (appended) or a pipe when empty.
/// Throws std::runtime_error when posix_spawn fails.
child spawn_child(const std::vector<std::string>& argv, const std::string& stdout_path,
                  const std::string& stderr_path);

/// Reads one line from a child's stdout pipe within `limit` ("" on EOF or time-out).
std::string read_line(int fd, std::chrono::milliseconds limit);

/// Waits up to `limit` for `pid` to exit: its status (exit code, or 128 + signal), nullopt on
/// time-out.
std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds limit);

/// SIGKILL and reap.
void kill_and_reap(pid_t pid);

/// A 127.0.0.1 port that was free a moment ago.
std::uint16_t free_port();

/// Runs `argv` to completion (stdout captured, stderr to /dev/null) within `limit`.
std::optional<std::string> run_capture(const std::vector<std::string>& argv,
                                       std::chrono::milliseconds limit);

/// True when `program` is found on PATH.
bool on_path(const std::string& program);

} // namespace hookd::bench

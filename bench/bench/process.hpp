#pragma once
// Child processes for the bench (hookd, the receiver, wrk), started with sys/child_process and
// HOOKD_* variables removed from the environment so the caller's shell cannot change the
// scenario's configuration; plus the small process and port helpers the bench needs.
#include "sys/child_process.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hookd::bench {

using sys::kill_and_reap;
using sys::wait_exit;

/// Spawns `argv[0]` with `argv`. stdout: `stdout_path` (appended) or a pipe when empty.
/// Throws std::runtime_error when posix_spawn fails.
sys::child_process spawn_child(const std::vector<std::string>& argv,
                               const std::string& stdout_path, const std::string& stderr_path);

/// Reads one line from a child's stdout pipe within `limit` ("" on EOF or time-out).
std::string read_line(int fd, std::chrono::milliseconds limit);

/// A 127.0.0.1 port that was free a moment ago.
std::uint16_t free_port();

/// Runs `argv` to completion (stdout captured, stderr to /dev/null) within `limit`.
std::optional<std::string> run_capture(const std::vector<std::string>& argv,
                                       std::chrono::milliseconds limit);

/// True when `program` is found on PATH.
bool on_path(const std::string& program);

} // namespace hookd::bench

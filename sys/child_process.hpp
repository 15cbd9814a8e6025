#pragma once
// Child processes for the tools and tests that run real programs (hookd, hookd-receiver, wrk,
// chromium): posix_spawn with stdin from /dev/null, stdout and stderr to files (or stdout to a
// pipe), no signal blocked and SIGTERM/SIGINT/SIGPIPE at their defaults whatever the parent
// did, and bounded waits for the exit.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hookd::sys {

struct spawn_options {
  /// argv[0] is the program: a path, or a name looked up on PATH.
  std::vector<std::string> argv;
  /// The child's whole environment as NAME=value (see child_environment).
  std::vector<std::string> env;
  /// Empty: stdout goes to a pipe whose read end is child_process::stdout_pipe.
  std::string stdout_path;
  std::string stderr_path = "/dev/null";
  /// Truncate the output files instead of appending to them.
  bool truncate = false;
  /// Give the child a process group of its own (kill(-pid) then reaches its helpers too).
  bool own_process_group = false;
};

struct child_process {
  pid_t pid = -1;
  int stdout_pipe = -1; ///< read end when stdout_path was empty, else -1
};

/// Starts the child. Throws std::runtime_error saying why when it cannot.
child_process spawn(const spawn_options& options);

/// This process's environment without the variables whose names start with `drop_prefix` (none
/// when it is empty; "HOOKD_" keeps the caller's shell from changing a child's configuration),
/// and with `extra` set (replacing variables of the same name).
std::vector<std::string> child_environment(const std::string& drop_prefix,
                                             const std::map<std::string, std::string>& extra = {});

/// A waitpid status as one number: the exit code, or 128 + the signal.
int exit_status(int wait_status);

/// Polls for the child's exit for up to `limit`: exit_status(), -1 when it is not our child,
/// nullopt when it is still running.
std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds limit);

/// SIGKILL (to the process group when `group`) and reap.
void kill_and_reap(pid_t pid, bool group = false);

} // namespace hookd::sys

#include "sys/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>

extern char** environ;

namespace hookd::sys {

namespace {

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

/// posix_spawn's file actions and attributes, released however spawn() leaves.
struct spawn_setup {
  posix_spawn_file_actions_t files;
  posix_spawnattr_t attr;
  spawn_setup() {
    posix_spawn_file_actions_init(&files);
    posix_spawnattr_init(&attr);
  }
  ~spawn_setup() {
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attr);
  }
  spawn_setup(const spawn_setup&) = delete;
  spawn_setup& operator=(const spawn_setup&) = delete;
};

} // namespace

child_process spawn(const spawn_options& options) {
  if (options.argv.empty())
    throw std::runtime_error("spawn: no program given");
  auto argv_strings = options.argv;
  auto env_strings = options.env;
  auto argv = c_strings(argv_strings);
  auto envp = c_strings(env_strings);

  spawn_setup setup;
  const int output_flags = O_WRONLY | O_CREAT | (options.truncate ? O_TRUNC : O_APPEND);
  posix_spawn_file_actions_addopen(&setup.files, 0, "/dev/null", O_RDONLY, 0);
  int pipe_fds[2] = {-1, -1};
  if (options.stdout_path.empty()) {
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
      throw std::runtime_error(std::string{"spawn: pipe failed: "} +
                               std::generic_category().message(errno));
    posix_spawn_file_actions_adddup2(&setup.files, pipe_fds[1], 1);
  } else {
    posix_spawn_file_actions_addopen(&setup.files, 1, options.stdout_path.c_str(), output_flags,
                                     0644);
  }
  posix_spawn_file_actions_addopen(&setup.files, 2, options.stderr_path.c_str(), output_flags,
                                   0644);

  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&setup.attr, &none);
  posix_spawnattr_setsigdefault(&setup.attr, &defaults);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (options.own_process_group) {
    posix_spawnattr_setpgroup(&setup.attr, 0);
    flags |= POSIX_SPAWN_SETPGROUP;
  }
  posix_spawnattr_setflags(&setup.attr, flags);

  child_process c;
  const int rc = ::posix_spawnp(&c.pid, argv_strings[0].c_str(), &setup.files, &setup.attr,
                                argv.data(), envp.data());
  if (pipe_fds[1] >= 0)
    ::close(pipe_fds[1]);
  if (rc != 0) {
    if (pipe_fds[0] >= 0)
      ::close(pipe_fds[0]);
    throw std::runtime_error("cannot start " + argv_strings[0] + ": " +
                             std::generic_category().message(rc));
  }
  c.stdout_pipe = pipe_fds[0];
  return c;
}

std::vector<std::string> child_environment(const std::string& drop_prefix,
                                             const std::map<std::string, std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry{*e};
    const auto name = entry.substr(0, entry.find('='));
    const bool dropped = !drop_prefix.empty() && name.rfind(drop_prefix, 0) == 0;
    if (!dropped && !extra.contains(std::string{name}))
      out.emplace_back(entry);
  }
  for (const auto& [name, value] : extra)
    out.push_back(std::string{name}.append("=").append(value));
  return out;
}

int exit_status(int wait_status) {
  if (WIFEXITED(wait_status))
    return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status))
    return 128 + WTERMSIG(wait_status);
  return -1;
}

std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid)
      return exit_status(status);
    if (r < 0)
      return -1;
    if (std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
}

void kill_and_reap(pid_t pid, bool group) {
  if (pid <= 0)
    return;
  ::kill(group ? -pid : pid, SIGKILL);
  wait_exit(pid, std::chrono::seconds{10});
}

} // namespace hookd::sys

#include "bench/bench/process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

namespace hookd::bench {

sys::child_process spawn_child(const std::vector<std::string>& argv,
                               const std::string& stdout_path, const std::string& stderr_path) {
  sys::spawn_options o;
  o.argv = argv;
  o.env = sys::child_environment("HOOKD_");
  o.stdout_path = stdout_path;
  o.stderr_path = stderr_path;
  return sys::spawn(o);
}

std::string read_line(int fd, std::chrono::milliseconds limit) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return {};
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
      continue;
    char c = 0;
    if (::read(fd, &c, 1) != 1)
      return {};
    if (c == '\n')
      return line;
    line.push_back(c);
  }
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0)
      ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::optional<std::string> run_capture(const std::vector<std::string>& argv,
                                       std::chrono::milliseconds limit) {
  auto c = spawn_child(argv, "", "/dev/null");
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::close(c.stdout_pipe);
      kill_and_reap(c.pid);
      return std::nullopt;
    }
    pollfd p{c.stdout_pipe, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
      continue;
    const auto n = ::read(c.stdout_pipe, buf, sizeof buf);
    if (n <= 0)
      break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(c.stdout_pipe);
  wait_exit(c.pid, limit);
  return out;
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path)
    return false;
  std::string_view rest{path};
  while (!rest.empty()) {
    auto colon = rest.find(':');
    auto dir = rest.substr(0, colon);
    if (!dir.empty() && ::access((std::string{dir} + "/" + program).c_str(), X_OK) == 0)
      return true;
    if (colon == std::string_view::npos)
      break;
    rest = rest.substr(colon + 1);
  }
  return false;
}

} // namespace hookd::bench

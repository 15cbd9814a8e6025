#include "bench/bench/hookd_instance.hpp"

#include "bench/bench/client_pool.hpp"
#include "bench/bench/process.hpp"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace hookd::bench {

hookd_instance::hookd_instance(std::string binary, std::string work_dir,
                               std::vector<std::pair<std::string, std::string>> flags)
    : binary_(std::move(binary)), work_dir_(std::move(work_dir)), flags_(std::move(flags)) {
  std::filesystem::create_directories(work_dir_ + "/data");
  db_path_ = work_dir_ + "/data/hookd.db";
  stderr_path_ = work_dir_ + "/hookd.log";
  port_ = free_port();
}

hookd_instance hookd_instance::attach(std::uint16_t port, pid_t pid) {
  hookd_instance h;
  h.port_ = port;
  h.pid_ = pid;
  return h;
}

hookd_instance::~hookd_instance() {
  if (spawned() && pid_ > 0)
    kill_and_reap(pid_);
}

std::vector<std::string> hookd_instance::argv() const {
  std::vector<std::string> args{binary_, "--server.listen=127.0.0.1:" + std::to_string(port_),
                                "--store.path=" + db_path_,
                                "--endpoints.allow_private_targets=true", "--log.level=warn"};
  for (const auto& [k, v] : flags_)
    args.push_back("--" + k + "=" + v);
  return args;
}

std::string hookd_instance::command_line() const {
  if (!spawned())
    return "(running hookd on 127.0.0.1:" + std::to_string(port_) + ")";
  std::string out;
  for (const auto& a : argv())
    out += (out.empty() ? "" : " ") + a;
  return out;
}

std::string hookd_instance::log_tail(std::size_t bytes) const {
  std::ifstream in{stderr_path_, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  auto s = text.str();
  return s.size() <= bytes ? s : "..." + s.substr(s.size() - bytes);
}

void hookd_instance::start(std::chrono::milliseconds limit) {
  if (spawned()) {
    if (pid_ > 0)
      throw std::logic_error("hookd already running");
    pid_ = spawn_child(argv(), work_dir_ + "/hookd.out", stderr_path_).pid;
  }
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (spawned()) {
      if (auto exited = wait_exit(pid_, std::chrono::milliseconds{0})) {
        pid_ = -1;
        throw std::runtime_error("hookd exited with status " + std::to_string(*exited) +
                                 " before it was ready; its log:\n" + log_tail());
      }
    }
    auto r = call(port_, "GET", "/readyz", {}, std::chrono::milliseconds{1000});
    if (r.status == 200)
      return;
    if (std::chrono::steady_clock::now() >= deadline)
      throw std::runtime_error("hookd not ready on port " + std::to_string(port_) +
                               " (last answer: " +
                               (r.status ? std::to_string(r.status) : r.error) + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

void hookd_instance::kill9() {
  if (!spawned())
    throw std::logic_error("cannot kill a hookd the bench did not start");
  kill_and_reap(pid_);
  pid_ = -1;
}

std::optional<int> hookd_instance::terminate(std::chrono::milliseconds limit) {
  if (!spawned() || pid_ <= 0)
    return std::nullopt;
  ::kill(pid_, SIGTERM);
  auto status = wait_exit(pid_, limit);
  if (!status)
    kill_and_reap(pid_);
  pid_ = -1;
  return status;
}

} // namespace hookd::bench

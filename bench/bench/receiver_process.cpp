#include "bench/bench/receiver_process.hpp"

#include "bench/bench/client_pool.hpp"
#include "bench/bench/process.hpp"

#include <unistd.h>

#include <stdexcept>

namespace hookd::bench {

receiver_process::receiver_process(const std::string& binary, const std::string& scenario_path,
                                   int threads, const std::string& work_dir)
    : work_dir_(work_dir) {
  auto c = spawn_child({binary, "--scenario", scenario_path, "--threads", std::to_string(threads),
                        "--port", "0"},
                       "", work_dir + "/receiver.log");
  pid_ = c.pid;
  const auto line = read_line(c.stdout_pipe, std::chrono::seconds{30});
  ::close(c.stdout_pipe);
  if (line.rfind("port ", 0) != 0) {
    kill_and_reap(pid_);
    pid_ = -1;
    throw std::runtime_error("hookd-receiver did not start (see " + work_dir + "/receiver.log)");
  }
  port_ = static_cast<std::uint16_t>(std::stoi(line.substr(5)));
}

receiver_process::~receiver_process() {
  quit();
}

nlohmann::json receiver_process::stats() const {
  auto r = call(port_, "GET", "/_ctl/stats");
  if (r.status != 200)
    throw std::runtime_error("receiver stats: " + (r.status ? r.body : r.error));
  return nlohmann::json::parse(r.body);
}

void receiver_process::mark_start() const {
  call(port_, "POST", "/_ctl/start");
}

std::vector<delivery_record> receiver_process::dump() const {
  const auto path = work_dir_ + "/receiver_records.bin";
  auto r = call(port_, "POST", "/_ctl/dump?path=" + path, {}, std::chrono::seconds{120});
  if (r.status != 200 || r.body.find("\"records\"") == std::string::npos)
    throw std::runtime_error("receiver dump failed: " + (r.status ? r.body : r.error));
  return read_records(path);
}

void receiver_process::quit() {
  if (pid_ <= 0)
    return;
  call(port_, "POST", "/_ctl/quit", {}, std::chrono::seconds{2});
  if (!wait_exit(pid_, std::chrono::seconds{5}))
    kill_and_reap(pid_);
  pid_ = -1;
}

} // namespace hookd::bench

#include "bench/bench/proc_sampler.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace hookd::bench {

bool read_proc(pid_t pid, std::int64_t& rss, std::int64_t& hwm, double& cpu_s) {
  const std::string base = "/proc/" + std::to_string(pid);
  std::ifstream status{base + "/status"};
  if (!status)
    return false;
  std::string line;
  rss = hwm = 0;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0)
      rss = std::stoll(line.substr(6)) * 1024;
    else if (line.rfind("VmHWM:", 0) == 0)
      hwm = std::stoll(line.substr(6)) * 1024;
  }
  std::ifstream stat_file{base + "/stat"};
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  const auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos)
    return false;
  std::istringstream fields{stat.substr(close_paren + 2)};
  std::string f;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14)
      utime = std::stoull(f);
    if (i == 15)
      stime = std::stoull(f);
  }
  static const long ticks = ::sysconf(_SC_CLK_TCK);
  cpu_s = static_cast<double>(utime + stime) / static_cast<double>(ticks);
  return rss > 0 || hwm > 0;
}

proc_sampler::proc_sampler(std::chrono::milliseconds period)
    : period_(period), thread_([this] { loop(); }) {}

proc_sampler::~proc_sampler() {
  stop_ = true;
  thread_.join();
}

void proc_sampler::watch(pid_t pid) {
  std::lock_guard lock{mutex_};
  cpu_done_ += cpu_current_;
  cpu_current_ = 0;
  pid_ = pid;
  read_locked();
}

void proc_sampler::read_locked() {
  if (pid_ <= 0)
    return;
  std::int64_t rss = 0, hwm = 0;
  double cpu = 0;
  if (read_proc(pid_, rss, hwm, cpu)) {
    usage_.rss_bytes = rss;
    usage_.peak_bytes = std::max({usage_.peak_bytes, rss, hwm});
    cpu_current_ = cpu;
  }
  usage_.cpu_s = cpu_done_ + cpu_current_;
}

proc_usage proc_sampler::sample() {
  std::lock_guard lock{mutex_};
  read_locked();
  return usage_;
}

proc_usage proc_sampler::last() const {
  std::lock_guard lock{mutex_};
  return usage_;
}

void proc_sampler::loop() {
  while (!stop_) {
    {
      std::lock_guard lock{mutex_};
      read_locked();
    }
    std::this_thread::sleep_for(period_);
  }
}

} // namespace hookd::bench

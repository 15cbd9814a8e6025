#pragma once
// Samples a process's resident memory and CPU time from /proc every `period` (100–250 ms):
// current and peak RSS (the peak also from VmHWM), CPU seconds (user + system). The watched pid
// may change (hookd restarted after kill -9): CPU time then adds up over the processes.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <chrono>
#include <sys/types.h>

namespace hookd::bench {

struct proc_usage {
  std::int64_t rss_bytes = 0;   ///< VmRSS now
  std::int64_t peak_bytes = 0;  ///< highest VmRSS/VmHWM seen
  double cpu_s = 0;             ///< user + system seconds, summed over the pids watched
};

/// One reading of /proc/<pid>: rss (VmRSS), hwm (VmHWM), cpu seconds. False when gone.
bool read_proc(pid_t pid, std::int64_t& rss, std::int64_t& hwm, double& cpu_s);

class proc_sampler {
public:
  explicit proc_sampler(std::chrono::milliseconds period = std::chrono::milliseconds{200});
  ~proc_sampler();
  proc_sampler(const proc_sampler&) = delete;
  proc_sampler& operator=(const proc_sampler&) = delete;

  /// Starts watching `pid` (after a restart: the new pid; the old one's CPU time is kept).
  void watch(pid_t pid);
  /// Takes a reading now and returns the totals.
  proc_usage sample();
  proc_usage last() const;

private:
  void loop();
  void read_locked();

  std::chrono::milliseconds period_;
  mutable std::mutex mutex_;
  pid_t pid_ = -1;
  double cpu_done_ = 0;    ///< of earlier pids
  double cpu_current_ = 0; ///< of the current pid
  proc_usage usage_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

} // namespace hookd::bench

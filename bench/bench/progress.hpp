#pragma once
// The live progress line (stderr, about once a second; rewritten in place on a terminal, a new
// line every 5 s otherwise): phase, elapsed, accepted and its rate, receiver 2xx and its rate,
// hookd's pending/in-flight (from /v1/stats), RSS and CPU. A phase wrk posts adds its accepted
// count only when wrk ends (wrk_producer.hpp); the receiver's 2xx move all along.
#include "bench/bench/producer.hpp"
#include "bench/bench/proc_sampler.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace hookd::bench {

class progress {
public:
  /// `hookd_usage` returns hookd's latest RSS and CPU (summed over the nodes of a cluster).
  progress(const producer_counters& producers, std::function<proc_usage()> hookd_usage,
           std::uint16_t receiver_port);
  ~progress();
  progress(const progress&) = delete;
  progress& operator=(const progress&) = delete;

  void set_phase(std::string name);
  void set_hookd_port(std::uint16_t port) { hookd_port_ = port; }
  /// Ends the line (before other output).
  void pause();
  void resume();

private:
  void loop();

  const producer_counters& producers_;
  std::function<proc_usage()> hookd_usage_;
  std::uint16_t receiver_port_;
  std::atomic<std::uint16_t> hookd_port_{0};
  std::mutex mutex_;
  std::string phase_;
  bool paused_ = false;
  bool tty_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

} // namespace hookd::bench

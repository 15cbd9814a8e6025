#pragma once
// hookd-receiver as the bench's child: started with the scenario file (so it plays the same
// groups), its port read from its first stdout line; control calls over HTTP.
#include "bench/bench/interrupt.hpp"
#include "bench/common/delivery_record.hpp"

#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace hookd::bench {

class receiver_process {
public:
  receiver_process(const std::string& binary, const std::string& scenario_path, int threads,
                   const std::string& work_dir);
  ~receiver_process(); ///< quits (or kills) the receiver
  receiver_process(const receiver_process&) = delete;
  receiver_process& operator=(const receiver_process&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  nlohmann::json stats() const;
  /// Marks t = 0 of the outage windows and resets the peak connection count.
  void mark_start() const;
  /// Every record so far (the receiver writes them to a file in the work dir).
  std::vector<delivery_record> dump() const;
  void quit();

private:
  std::string work_dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  interrupt_cleanup on_interrupt_{[this] {
    if (pid_ > 0)
      ::kill(pid_, SIGKILL);
  }};
};

} // namespace hookd::bench

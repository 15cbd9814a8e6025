#pragma once
// Clocks shared by the receiver and the bench. Both run on the same machine, so CLOCK_REALTIME
// nanoseconds taken in either process are comparable (accepted → arrival latency).
#include <time.h>

#include <chrono>
#include <cstdint>

namespace hookd::bench {

using steady = std::chrono::steady_clock;

/// CLOCK_REALTIME in nanoseconds since the Unix epoch (vDSO, ~20 ns).
inline std::int64_t realtime_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

inline double seconds_between(std::int64_t from_ns, std::int64_t to_ns) {
  return static_cast<double>(to_ns - from_ns) / 1e9;
}

} // namespace hookd::bench

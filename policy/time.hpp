#pragma once
// Time vocabulary shared by every subsystem. Policy code never reads a clock: callers pass
// `time_point`s in, so tests drive it with explicit instants.
#include <chrono>
#include <cstdint>

namespace hookd {

/// Wall-clock instant with millisecond precision (what the store persists as unix ms).
using time_point = std::chrono::sys_time<std::chrono::milliseconds>;
using duration = std::chrono::milliseconds;

/// The "never" / "unset" instant.
inline constexpr time_point no_time{};

inline std::int64_t to_unix_ms(time_point t) {
  return t.time_since_epoch().count();
}
inline time_point from_unix_ms(std::int64_t ms) {
  return time_point{duration{ms}};
}

} // namespace hookd

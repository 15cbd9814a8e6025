#pragma once
// Wall-clock time as actors see it. CAF's actor clock (steady; virtual under the test
// coordinator) is mapped onto the system clock from one anchor taken at engine start, so the
// same actor code runs in real time in the daemon and in virtual time in tests, while policy
// and the store work with wall-clock `time_point`s.
#include "policy/time.hpp"

#include <caf/actor_clock.hpp>

namespace hookd {

class wall_clock {
public:
  wall_clock() = default;
  wall_clock(caf::actor_clock::time_point caf_anchor, time_point wall_anchor)
      : caf_anchor_(caf_anchor), wall_anchor_(wall_anchor) {}

  /// Anchors `clock` at the current system time.
  static wall_clock anchored_now(const caf::actor_clock& clock) {
    return {clock.now(), std::chrono::time_point_cast<duration>(std::chrono::system_clock::now())};
  }

  time_point now(const caf::actor_clock& clock) const {
    return wall_anchor_ + std::chrono::duration_cast<duration>(clock.now() - caf_anchor_);
  }

private:
  caf::actor_clock::time_point caf_anchor_{};
  time_point wall_anchor_{};
};

} // namespace hookd

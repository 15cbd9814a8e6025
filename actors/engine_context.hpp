#pragma once
// What every engine actor shares: the configuration and the clock. Immutable after start.
#include "actors/wall_clock.hpp"
#include "config/config.hpp"

#include <memory>

namespace hookd {

struct engine_context {
  std::shared_ptr<const config::config> cfg;
  wall_clock clock;
};

using engine_context_ptr = std::shared_ptr<const engine_context>;

} // namespace hookd

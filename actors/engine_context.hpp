#pragma once
// What every engine actor shares: the configuration, the clock, and the metrics it updates
// (atomics and locked windows, safe from any thread). Set up once at engine start.
#include "actors/wall_clock.hpp"
#include "config/config.hpp"
#include "metrics/failure_board.hpp"
#include "metrics/metrics.hpp"

#include <memory>

namespace hookd {

struct engine_context {
  std::shared_ptr<const config::config> cfg;
  wall_clock clock;
  std::shared_ptr<metrics::metrics> metrics = std::make_shared<metrics::metrics>();
  std::shared_ptr<metrics::failure_board> failures = std::make_shared<metrics::failure_board>();
  time_point started_at = no_time;
};

using engine_context_ptr = std::shared_ptr<const engine_context>;

/// The id of the internal endpoint that carries alerts to `alerts.alert_url`. It is not a
/// ULID, so it never collides with an endpoint created through the API, and the API hides it.
inline constexpr const char* alert_endpoint_id = "ep_hookd_alerts";

} // namespace hookd

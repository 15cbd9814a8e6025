#pragma once
// The supervisor: turns an endpoint actor's disable request into one status change through the
// dispatcher (which stores it, failing the pending deliveries in the same transaction, and
// updates registry, actor, metrics and log) and raises its alert; raises alerts (log, metrics,
// recent list, alert_url), and monitors endpoint actors — a crashed one is re-created from the store by the
// dispatcher, with a back-off when it keeps crashing.
#include "actors/engine_context.hpp"
#include "actors/interfaces.hpp"

#include <caf/actor_system.hpp>

namespace hookd {

struct supervisor_deps {
  engine_context_ptr ctx;
};

supervisor_actor spawn_supervisor(caf::actor_system& sys, supervisor_deps deps);

/// Delay before re-creating an endpoint actor that crashed `recent` times in the last minute
/// (including this crash): immediate for the first 3, then doubling from 1 s up to 60 s.
duration restart_delay(std::size_t recent);

} // namespace hookd

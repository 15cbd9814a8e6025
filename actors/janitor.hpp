#pragma once
// Housekeeping on a timer: purges delivered/failed messages older than `store.retention`
// (in steps of at most 1,000 messages, so the writer never holds its lock for long) and
// forgets Idempotency-Keys after 24 hours.
#include "actors/engine_context.hpp"
#include "actors/interfaces.hpp"

#include <caf/actor_system.hpp>

namespace hookd {

struct janitor_deps {
  engine_context_ptr ctx;
  store_writer_actor writer;
};

/// How long Idempotency-Keys are remembered (docs/api.md: 24 h).
inline constexpr duration idempotency_window = std::chrono::hours{24};

/// How often the janitor runs for a given retention: a quarter of it, between 1 s and 10 min.
duration janitor_interval(duration retention);

janitor_actor spawn_janitor(caf::actor_system& sys, janitor_deps deps);

} // namespace hookd

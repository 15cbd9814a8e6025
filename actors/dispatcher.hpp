#pragma once
// The dispatcher: the engine's front door and router.
//  - keeps the endpoint registry (settings + fan-out index) and answers submit_message: fan
//    out by event type, have the message and its deliveries committed, route the deliveries to
//    their endpoint actors, then reply — so a reply means "durable and on its way";
//  - spawns endpoint actors lazily (or at start-up for endpoints with pending work), hands them
//    to the supervisor to watch, re-creates crashed ones, and lets idle ones quit via a
//    handshake that never loses a delivery in flight to a quitting actor;
//  - on shutdown_atom stops accepting and waits for every endpoint actor to drain.
#include "actors/engine_context.hpp"
#include "actors/interfaces.hpp"

#include <caf/actor_system.hpp>

#include <vector>

namespace hookd {

struct dispatcher_deps {
  engine_context_ptr ctx;
  store_writer_actor writer;
  store_reader_actor reader;
  supervisor_actor supervisor;
  std::vector<destination_actor> destinations; ///< an endpoint always uses the same one
};

dispatcher_actor spawn_dispatcher(caf::actor_system& sys, dispatcher_deps deps);

} // namespace hookd

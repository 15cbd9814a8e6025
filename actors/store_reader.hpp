#pragma once
// A store reader on its own connection (WAL readers never block the writer). Queries run
// synchronously on the reader's thread; run it detached in the daemon.
#include "actors/interfaces.hpp"
#include "store/store.hpp"

#include <caf/actor_system.hpp>

#include <memory>

namespace hookd {

store_reader_actor spawn_store_reader(caf::actor_system& sys, std::shared_ptr<store::store> db,
                                      bool detached = true);

} // namespace hookd

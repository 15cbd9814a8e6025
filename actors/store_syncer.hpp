#pragma once
// The store writer's fsync, on a thread of its own (store/durability.hpp): while it waits for
// the disk, the writer executes the next batch. Each flush_atom runs durability::sync() once and
// answers ok, or the store::error as errc::store_failed. The writer keeps at most one request
// out, so one sync covers every batch committed while the previous one ran.
#include "actors/interfaces.hpp"
#include "store/durability.hpp"

#include <caf/fwd.hpp>

#include <memory>

namespace hookd {

/// Spawned by the writer, linked to it. `detached`: its own thread (the daemon); tests under
/// CAF's test coordinator spawn it attached.
store_syncer_actor spawn_store_syncer(caf::local_actor* writer,
                                      std::shared_ptr<store::durability> durability,
                                      bool detached);

} // namespace hookd

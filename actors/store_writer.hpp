#pragma once
// The single store writer (SQLite allows one writer; a PostgreSQL store would too, per node).
//
// Group commit: each command is appended to the open batch; the batch commits when the mailbox
// holds no more commands (a self-sent commit message queues behind everything already there)
// or when it reaches `max_batch` commands. Commands with a reply are answered only after their
// transaction committed. A failing command is isolated: the batch is rolled back and replayed
// one command per transaction, so only that command fails.
//
// Run it detached (its own thread): commits wait for fsync and must not hold a scheduler
// thread. Tests under CAF's test coordinator spawn it attached.
#include "actors/interfaces.hpp"
#include "store/store.hpp"

#include <caf/actor_system.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace hookd {

struct store_writer_options {
  bool detached = true;
  std::size_t max_batch = 2048;
  /// Called on the writer's thread after each successful COMMIT with the number of commands
  /// in the transaction and how long it took (metrics, tests).
  std::function<void(std::size_t commands, std::chrono::microseconds took)> on_commit;
  /// Called once when writes start failing (an episode), with the first error; not again until
  /// a transaction has committed since (alerts, SPEC §8 store_error).
  std::function<void(const std::string& error)> on_failure_episode;
};

store_writer_actor spawn_store_writer(caf::actor_system& sys, std::shared_ptr<store::store> db,
                                      store_writer_options opts = {});

} // namespace hookd

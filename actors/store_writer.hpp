#pragma once
// The single store writer (SQLite allows one writer; a PostgreSQL store would too, per node).
//
// Group commit: each command is appended to the open batch; the batch commits when the mailbox
// holds no more commands (a self-sent commit message queues behind everything already there)
// or when it reaches `max_batch` commands. Commands with a reply are answered only after their
// transaction committed, in the order they arrived.
//
// Failures, by store::error kind (the kind reaches callers as errc::store_conflict,
// errc::store_missing, errc::endpoint_disabled or errc::store_failed):
// - A command that cannot apply (conflict: a duplicate id or Idempotency-Key; missing: a purged
//   delivery) fails alone: the transaction is rolled back and the rest of the batch runs again
//   without it, in the same order. Its caller gets the error after that COMMIT, in its place
//   among the replies (so it can read what the commands before it wrote).
//   A batch of messages (insert_messages_cmd) is one command: all its messages commit in the
//   same transaction, and one the store refuses is left out alone, inside the command
//   (store/batch_insert.hpp), its error in its place in the reply.
// - Cluster mode (node_id set): an owner's write whose partition lease this node lost is
//   dropped (the new owner has the delivery from the store); the batch runs again without it.
// - The store itself failing (busy, I/O, disk full): commands whose caller waits get the error
//   (nothing was acknowledged to them, the caller decides: the API answers 503). The engine's
//   own writes nobody waits for (attempts, delivery updates, the failure clock) are what the
//   endpoint actors' memory already holds, so dropping one would make memory and disk
//   disagree: they stay at the front of the queue, in order, and the whole batch is retried
//   after 50 ms, doubling up to 2 s, until it commits (commands arriving meanwhile join it;
//   still at most max_batch per transaction, the rest committing next).
//   Never one transaction per command: against a locked database each would wait
//   busy_timeout. The first failure of an episode calls on_failure_episode (a store_error
//   alert); the first commit after it logs the recovery.
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
  /// a transaction has committed since (alerts, docs/operations.md store_error).
  std::function<void(const std::string& error)> on_failure_episode;
  /// Cluster mode: this node's id. The endpoint owners' writes (attempts, delivery updates, the
  /// failure clock) carry their partition lease; just before each COMMIT the writer checks that
  /// this node still holds those leases (store::hold_leases) and drops the writes whose lease
  /// another node has taken, so a node that stalled past its lease never records for endpoints
  /// it no longer owns. Empty: no fencing (one node).
  std::string node_id;
};

store_writer_actor spawn_store_writer(caf::actor_system& sys, std::shared_ptr<store::store> db,
                                      store_writer_options opts = {});

} // namespace hookd

#pragma once
// The embedded SQLite implementation of `store` (docs/behaviour.md).
//
// Every instance is its own connection to the file: open one writer instance and one reader
// instance per reading thread. The file is in WAL mode, so readers never wait for the writer.
// commit() returns once the transaction is durable (WAL + synchronous=FULL: the WAL is fsynced
// at every commit). The directory must be on a local disk: WAL's shared-memory index does not
// work over network file systems.
//
// Beyond store.hpp:
// - commit() either makes the transaction durable or rolls it back and throws.
// - Each write call is all-or-nothing. One that fails before writing anything (a duplicate
//   message id, an unknown delivery) leaves the transaction usable: the writer may go on with
//   the rest of its batch. One that fails after writing part of its rows (disk full, I/O
//   error) marks the transaction broken: further writes throw until rollback(), and commit()
//   throws and rolls it back.
//   A write call outside begin()/commit() runs in a transaction of its own.
// - record_attempt and update_delivery throw when the delivery does not exist (the caller's
//   state disagrees with the store); set_endpoint_status and set_failing_since do nothing for
//   an unknown endpoint (it may have been deleted meanwhile).
// - An attempt's message and endpoint ids are its delivery's: attempts_of returns those,
//   whatever the record passed to record_attempt said.
// - insert_message also fills each delivery's message_id and created_at from the message.
// - put_idempotency with a key that exists throws before writing anything (the transaction
//   stays usable, but the caller normally rolls back the message written with it).
// - stats_of reads indexes only: pending and failed counts are as costly as those deliveries are
//   many, delivered comes from a per-endpoint total kept with the rows (purge_finished
//   lowers it).
#include "store/store.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace hookd::store {

struct sqlite_options {
  /// How long a call waits for a lock held by another connection before failing.
  std::chrono::milliseconds busy_timeout{5000};
  /// A reader instance: begin() opens a read snapshot (no write lock) and writes are refused.
  /// (Opening any instance creates or migrates the schema when needed.)
  bool read_only = false;
  /// Page cache of this connection.
  std::int64_t cache_size_kib = std::int64_t{16} * 1024;
  /// For the writer instance: checkpoint the WAL on a background thread every this often
  /// instead of inside commits (0: SQLite's automatic checkpoint, inside commits).
  std::chrono::milliseconds background_checkpoint{0};
  /// With background_checkpoint: once a commit leaves this many frames (pages) in the WAL, the
  /// writer checkpoints the rest itself so the WAL starts over (see sqlite_wal_limit.hpp).
  int wal_limit_frames = 8192;
  /// Hold an exclusive lock on `<path>.lock` while this instance lives (the engine's writer):
  /// opening fails with an error naming the file while another holder has it, so two
  /// processes never deliver from the same database (see sqlite_process_lock.hpp).
  bool process_lock = false;
};

/// Opens (creating it and its parent directories when missing) the database at `path` and
/// brings its schema up to date. Throws store::error saying what failed and where.
std::unique_ptr<store> open_sqlite_store(const std::string& path,
                                         const sqlite_options& options = {});

} // namespace hookd::store

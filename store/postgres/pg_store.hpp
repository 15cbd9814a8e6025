#pragma once
// The PostgreSQL implementation of `store` (cluster mode: several hookd nodes on one database).
//
// Each instance is one connection (libpq): open one writer instance and one per reader, as with
// SQLite. Opening creates or migrates the schema (pg_schema.hpp).
//
// Beyond store.hpp:
// - commit() returns once PostgreSQL has committed with synchronous_commit = on (set on every
//   session, whatever the server's default): the commit is flushed to the server's WAL. A
//   COMMIT whose answer is lost with the connection may or may not have committed; commit()
//   then throws (kind failure), so the caller acknowledges nothing.
// - A write call that is refused (kind conflict, missing, disabled) writes nothing. Refusals
//   the expected way (a duplicate message id or Idempotency-Key, an unknown delivery or
//   endpoint) leave the transaction usable, as with SQLite. One PostgreSQL itself raised (a
//   NOT NULL column left unset, a text with a NUL byte: kind conflict) ends the transaction, as
//   every error does in PostgreSQL: further calls throw until rollback(). store_writer rolls
//   back after any refusal and runs the rest of its batch again, so it works the same on both.
// - A lost connection fails the call in progress (kind failure). The next begin(), or call
//   outside a transaction, connects again; while that fails, every call throws kind failure
//   at once (the caller paces its retries).
// - Reads inside begin()/commit() on a reader instance see one snapshot (REPEATABLE READ).
// - The rest as sqlite_store.hpp: attempts take their delivery's ids, stats_of reads the
//   partial indexes and the per-endpoint totals.
#include "store/store.hpp"

#include <memory>
#include <string>

namespace hookd::store {

struct postgres_options {
  /// A reader instance: transactions are READ ONLY snapshots and writes are refused.
  bool read_only = false;
  /// Cluster mode: this node's id. Each transaction then announces what other nodes must act
  /// on (pg_notifications.hpp): messages with pending deliveries, by partition, and changed
  /// endpoints. Empty: no announcements.
  std::string node_id;
  /// PostgreSQL ends a transaction of this session left idle (between statements) this long
  /// (idle_in_transaction_session_timeout), which releases its locks; 0: never. Cluster mode
  /// sets it to lease_ttl: a node frozen half-way through a write then cannot block the node
  /// that took its endpoints over for longer than that. The frozen node finds its connection
  /// closed when it runs again; its writer connects again and its lease check drops the writes.
  duration idle_transaction_timeout{0};
  /// Cluster mode: a message for every subscriber (insert_message without endpoints_named)
  /// goes to the enabled endpoints subscribed to its event type in the endpoints table at that
  /// point of the transaction, not to the `deliveries` the caller computed from its own
  /// registry (which may not have heard yet of an endpoint another node just created or
  /// enabled); `deliveries` comes back as those stored, each pending and due at once. No such
  /// delivery goes to the endpoint id `fan_out_excluding` (the alert sink).
  bool fan_out_in_store = false;
  std::string fan_out_excluding;
};

/// The options of a reader instance.
inline postgres_options reader_options() {
  postgres_options o;
  o.read_only = true;
  return o;
}

/// Connects to `conninfo` (a libpq connection string or postgresql:// URI) and brings the
/// schema up to date. Unless the string says otherwise the connection gives up connecting
/// after 5 s and notices a dead server within about 15 s (TCP keepalives). Throws store::error
/// saying what failed (never the password).
std::unique_ptr<store> open_postgres_store(const std::string& conninfo,
                                           const postgres_options& options = {});

} // namespace hookd::store

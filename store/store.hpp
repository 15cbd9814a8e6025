#pragma once
// The storage interface the engine uses. One implementation per database: `sqlite_store` is the
// embedded default; a PostgreSQL one (several hookd nodes sharing one database) would implement
// the same calls.
//
// Concurrency: an instance is used by one thread at a time. The engine opens one instance for
// the single writer (actors/store_writer) and one per reader.
//
// Durability: writes happen between begin() and commit(); commit() returns only when the
// transaction is durable (SQLite: WAL with synchronous=FULL). Callers acknowledge nothing
// before commit() has returned.
//
// Errors: every call throws `store::error` on failure; the actor that owns the instance
// catches it and turns it into a value. Exceptions never leave that actor.
#include "store/records.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hookd::store {

class error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class store {
public:
  virtual ~store() = default;

  // -- transactions ---------------------------------------------------------------------------
  virtual void begin() = 0;
  virtual void commit() = 0; ///< durable when it returns
  virtual void rollback() = 0;

  // -- writes (inside a transaction) ----------------------------------------------------------

  /// Inserts `msg` and `deliveries` (one per target endpoint, status pending). Assigns
  /// `msg.seq` and each delivery's `id` and `message_seq`.
  virtual void insert_message(message_record& msg, std::vector<delivery_record>& deliveries) = 0;

  /// Appends the attempt to the log (assigning `a.seq`) and applies `d` to its delivery.
  virtual void record_attempt(attempt_record& a, const delivery_update& d) = 0;

  /// Applies `d` without an attempt (e.g. exhausted while the breaker was open).
  virtual void update_delivery(const delivery_update& d) = 0;

  /// Inserts or replaces the endpoint with `ep.id`.
  virtual void put_endpoint(const endpoint_record& ep) = 0;

  virtual void set_endpoint_status(const std::string& endpoint_id, endpoint_status status,
                                   disabled_reason reason, time_point at) = 0;

  /// Persists the 24-hour rule's clock (no_time: healthy).
  virtual void set_failing_since(const std::string& endpoint_id, time_point since) = 0;

  /// Moves every pending delivery of the endpoint to failed/`reason`; returns how many.
  virtual std::size_t fail_pending(const std::string& endpoint_id, failure_reason reason,
                                   time_point at) = 0;

  /// Removes the endpoint; its pending deliveries become failed/endpoint_deleted first.
  /// Returns false when no such endpoint exists.
  virtual bool delete_endpoint(const std::string& endpoint_id, time_point at) = 0;

  /// Re-queues the endpoint's failed deliveries whose message was accepted at or after
  /// `since`: status pending, attempts and window reset, due at `now`. Returns how many.
  virtual std::size_t requeue_failed(const std::string& endpoint_id, time_point since,
                                     time_point now) = 0;

  /// Deletes delivered/failed messages (with their deliveries and attempts) created before
  /// `before` whose deliveries are all final. Returns the number of messages removed.
  virtual std::size_t purge_finished(time_point before) = 0;

  // -- reads ------------------------------------------------------------------------------------
  virtual std::vector<endpoint_record> load_endpoints() = 0;
  virtual std::optional<endpoint_record> find_endpoint(const std::string& endpoint_id) = 0;

  /// Ids of endpoints that have at least one pending delivery.
  virtual std::vector<std::string> endpoints_with_pending() = 0;

  /// Pending deliveries of one endpoint, ordered by due time.
  virtual std::vector<delivery_record> load_pending(const std::string& endpoint_id) = 0;

  /// Payloads by message seq, for attempts whose bodies are not in memory.
  virtual std::vector<std::pair<std::int64_t, std::string>>
  load_payloads(std::span<const std::int64_t> message_seqs) = 0;

  virtual std::optional<message_record> find_message(const std::string& message_id) = 0;
  virtual std::vector<delivery_record> deliveries_of(std::int64_t message_seq) = 0;
  virtual std::vector<attempt_record> attempts_of(const std::string& message_id) = 0;
};

} // namespace hookd::store

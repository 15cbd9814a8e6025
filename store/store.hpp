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

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hookd::store {

class error : public std::runtime_error {
public:
  /// What kind of failure: the database is failing, or the request itself cannot apply.
  enum class kind {
    failure,  ///< I/O, disk full, corruption, busy, ...: the store is in trouble
    conflict, ///< a uniqueness rule refused the write (a duplicate id or key)
    missing,  ///< the row the write refers to does not exist
    disabled, ///< the endpoint the write refers to exists but is disabled (takes no new work)
  };

  explicit error(const std::string& what, kind k = kind::failure)
      : std::runtime_error(what), kind_(k) {}

  kind what_kind() const { return kind_; }

  /// The caller's command whose write this refusal is (store::begin_command), when the store
  /// held its outcome back and found it later; nullopt when it is the call that just failed.
  std::optional<std::size_t> command() const { return command_; }
  error& for_command(std::size_t n) {
    command_ = n;
    return *this;
  }

private:
  kind kind_;
  std::optional<std::size_t> command_;
};

class store {
public:
  virtual ~store() = default;

  // -- transactions ---------------------------------------------------------------------------
  virtual void begin() = 0;
  virtual void commit() = 0; ///< durable when it returns
  virtual void rollback() = 0;

  // -- outcomes held back (a writer's batch) ---------------------------------------------------

  /// Inside begin()/commit(): the write calls that follow are command `n` of the caller's
  /// batch, and the store may hold back their outcome instead of waiting for each one: the
  /// PostgreSQL store sends a batch's hot writes (insert_message, put_idempotency,
  /// record_attempt, update_delivery) in one pipeline, not one round trip each. Until the
  /// outcome is known, a held-back call has written what it would have, and nothing when it is
  /// refused (as at once), but its outputs (a message's seq, delivery ids, an attempt's
  /// seq) are not filled in yet, so what they refer to must stay alive until then. A held-back
  /// refusal is thrown by settle(), by commit(), or by the next call that cannot be held back,
  /// as an error whose command() is the command it belongs to. The SQLite store applies every
  /// call at once and ignores this. commit() and rollback() end it.
  virtual void begin_command(std::size_t n) { (void)n; }
  /// Learns every held-back outcome: fills in the outputs, or throws the first refusal.
  virtual void settle() {}

  /// Gives memory the instance keeps only to be faster (cached pages) back to the allocator,
  /// for a quiet moment: the next calls read those pages again. Never inside a transaction.
  virtual void release_memory() {}

  // -- writes (inside a transaction) ----------------------------------------------------------

  /// Inserts `msg` and `deliveries` (one per target endpoint, status pending). Assigns
  /// `msg.seq` and each delivery's `id` and `message_seq`. A delivery is stored only when its
  /// endpoint exists and is enabled at that point of the transaction (a delete or disable
  /// ordered before the insert wins); the others are removed from `deliveries`.
  /// With `endpoints_named` (a message sent to an endpoint by id) every delivery must be stored:
  /// when an endpoint is gone the call throws kind missing, when one is disabled kind disabled,
  /// and nothing of the message is written.
  virtual void insert_message(message_record& msg, std::vector<delivery_record>& deliveries,
                              bool endpoints_named = false) = 0;

  /// Records an Idempotency-Key (normally in the same transaction as its message). Throws
  /// store::error when the key exists already.
  virtual void put_idempotency(const idempotency_record& rec) = 0;

  /// Appends the attempt to the log (assigning `a.seq`) and applies `d` to its delivery.
  /// Only a pending delivery changes: one failed or finished meanwhile (a disable or delete
  /// committed before a late attempt result) keeps its state; the attempt is logged anyway.
  /// Exception: a success turns failed/endpoint_disabled into delivered (an attempt that was
  /// out when the endpoint was disabled did reach the receiver).
  virtual void record_attempt(attempt_record& a, const delivery_update& d) = 0;

  /// Applies `d` without an attempt (e.g. exhausted while the breaker was open); like
  /// record_attempt, only to a delivery that is still pending.
  virtual void update_delivery(const delivery_update& d) = 0;

  /// Inserts or replaces the endpoint with `ep.id`.
  virtual void put_endpoint(const endpoint_record& ep) = 0;

  /// Changes the settings of an existing endpoint in one UPDATE: only those named in `fields`
  /// (endpoint_field bits) take their value from `ep`, plus updated_at; every other column stays
  /// as stored when the UPDATE runs. A secret that differs from the stored one replaces it at
  /// once and ends any rotation overlap (previous secret and expiry cleared in SQL, never
  /// copied from `ep`). Returns the endpoint afterwards; nullopt when it does not exist (an
  /// update never re-creates a deleted endpoint).
  virtual std::optional<endpoint_record> update_endpoint(const endpoint_record& ep,
                                                         std::uint32_t fields) = 0;

  /// Starts a secret rotation in one UPDATE: the stored secret becomes the previous one (kept
  /// signing until `previous_expires_at`) and `secret` the current one, whatever was written
  /// meanwhile. Returns the endpoint afterwards; nullopt when it does not exist.
  virtual std::optional<endpoint_record> rotate_secret(const std::string& endpoint_id,
                                                       const std::string& secret,
                                                       time_point previous_expires_at,
                                                       time_point at) = 0;

  virtual void set_endpoint_status(const std::string& endpoint_id, endpoint_status status,
                                   disabled_reason reason, time_point at) = 0;

  /// Persists the 24-hour rule's clock (no_time: healthy).
  virtual void set_failing_since(const std::string& endpoint_id, time_point since) = 0;

  /// Moves every pending delivery of the endpoint to failed/`reason`; returns how many.
  virtual std::size_t fail_pending(const std::string& endpoint_id, failure_reason reason,
                                   time_point at) = 0;

  /// Removes the endpoint; its pending deliveries become failed/endpoint_deleted first (also
  /// when no endpoint row exists: pending deliveries left behind by an older hookd).
  virtual endpoint_deletion delete_endpoint(const std::string& endpoint_id, time_point at) = 0;

  /// Re-queues the endpoint's failed deliveries whose message was accepted at or after
  /// `since`: status pending, attempts and window reset, due at `now`. Returns how many.
  virtual std::size_t requeue_failed(const std::string& endpoint_id, time_point since,
                                     time_point now) = 0;

  /// Re-queues the failed deliveries of one message whose endpoint exists and is enabled: status
  /// pending, due at `now`, attempts and window kept (one extra attempt). Returns every pending
  /// delivery of the message afterwards (re-queued or already pending).
  virtual std::vector<delivery_record> requeue_message(std::int64_t message_seq, time_point now) = 0;

  /// Re-queues the message's delivery to one endpoint whatever its state (delivered or failed:
  /// a resend), when the endpoint exists and is enabled: status pending, due at `now`, attempts
  /// and window kept. Returns that delivery when it is pending afterwards (re-queued or already
  /// pending); empty when there is no such delivery or the endpoint is disabled or gone.
  virtual std::vector<delivery_record> requeue_delivery(std::int64_t message_seq,
                                                        const std::string& endpoint_id,
                                                        time_point now) = 0;

  /// Deletes delivered/failed messages (with their deliveries and attempts) created before
  /// `before` whose deliveries are all final, at most `limit` of them per call (callers
  /// purge in steps so the write lock is never held long). Returns how many were removed.
  virtual std::size_t purge_finished(time_point before, std::size_t limit) = 0;

  /// Deletes Idempotency-Keys created before `before`; returns how many.
  virtual std::size_t purge_idempotency(time_point before) = 0;

  // -- applications (tenants) -------------------------------------------------------------------

  /// Inserts the application; throws kind conflict when its id or uid is taken.
  virtual void insert_application(const application_record& app) = 0;
  /// Replaces uid, name, rate_limit, metadata and updated_at of `app.id`; throws kind conflict
  /// when the uid is another's. Returns false when no such application exists.
  virtual bool update_application(const application_record& app) = 0;
  /// Removes the application row (its endpoints are deleted first, by the caller, through
  /// delete_endpoint; its messages stay, still naming it). Returns false when it did not exist.
  virtual bool delete_application(const std::string& application_id) = 0;

  /// Inserts the event type, or replaces every field of the one with its name but created_at.
  virtual void put_event_type(const event_type_record& t) = 0;

  // -- inbound sources ---------------------------------------------------------------------------

  /// Inserts the source; throws kind conflict when its id is taken.
  virtual void insert_source(const source_record& src) = 0;
  /// Replaces every field of `src.id` but created_at. Returns false when no such source exists.
  virtual bool update_source(const source_record& src) = 0;
  /// Removes the source row (its messages stay, still naming it). Returns false when it did
  /// not exist.
  virtual bool delete_source(const std::string& source_id) = 0;

  /// Cluster mode (fencing): inside a transaction, just before commit(), checks that node
  /// `node_id` still holds every lease of `tokens` unexpired with that epoch, and keeps them
  /// from changing owner until the transaction ends. Returns the tokens it does not hold (the
  /// caller rolls back and drops the writes made under them). A store without leases (SQLite,
  /// one node) holds everything.
  virtual std::vector<lease_token> hold_leases(const std::string& node_id,
                                               std::span<const lease_token> tokens) {
    (void)node_id;
    (void)tokens;
    return {};
  }

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

  /// Endpoints ordered by id (ids sort by creation time), the first `limit` after `after_id`
  /// (empty: from the start).
  virtual std::vector<endpoint_record> list_endpoints(const std::string& after_id,
                                                      std::size_t limit) = 0;

  /// Endpoints of one application ordered by id, the first `limit` after `after_id`.
  virtual std::vector<endpoint_record> list_application_endpoints(const std::string& application_id,
                                                                  const std::string& after_id,
                                                                  std::size_t limit) = 0;
  /// The endpoint with this uid in this application.
  virtual std::optional<endpoint_record> find_endpoint_by_uid(const std::string& application_id,
                                                              const std::string& uid) = 0;

  virtual std::optional<application_record> find_application(const std::string& application_id) = 0;
  virtual std::optional<application_record> find_application_by_uid(const std::string& uid) = 0;
  /// Applications ordered by id, the first `limit` after `after_id` (empty: from the start).
  virtual std::vector<application_record> list_applications(const std::string& after_id,
                                                            std::size_t limit) = 0;

  virtual std::optional<event_type_record> find_event_type(const std::string& name) = 0;

  virtual std::optional<source_record> find_source(const std::string& source_id) = 0;
  /// Sources ordered by id, the first `limit` after `after_id` (empty: from the start).
  virtual std::vector<source_record> list_sources(const std::string& after_id, std::size_t limit) = 0;

  /// Per application (those with at least one endpoint), ordered by id: its endpoints by status
  /// and their deliveries by status. Reads each endpoint's counts from the same indexes as
  /// stats_of: its cost grows with the number of applications' endpoints.
  virtual std::vector<application_counts> counts_by_application() = 0;
  /// Event types ordered by name, the first `limit` after `after_name` (empty: from the start).
  virtual std::vector<event_type_record> list_event_types(const std::string& after_name,
                                                          std::size_t limit) = 0;

  /// Delivery counts by status per endpoint id (ids without deliveries map to zeros). An
  /// endpoint's recent attempt outcomes are kept in memory (metrics/endpoint_windows.hpp).
  virtual std::vector<std::pair<std::string, endpoint_stats>>
  stats_of(std::span<const std::string> endpoint_ids) = 0;

  virtual std::optional<idempotency_record> find_idempotency(const std::string& key) = 0;

  /// Pending deliveries (in total and by due time relative to `now`) and endpoints by status.
  virtual store_counts counts(time_point now) = 0;

  virtual std::optional<message_record> find_message(const std::string& message_id) = 0;
  virtual std::vector<delivery_record> deliveries_of(std::int64_t message_seq) = 0;
  /// The pending deliveries of these messages, by message then delivery id (cluster mode: what
  /// another node accepted for this one). By default one deliveries_of per message.
  virtual std::vector<delivery_record>
  pending_of_messages(std::span<const std::int64_t> message_seqs) {
    std::vector<std::int64_t> seqs{message_seqs.begin(), message_seqs.end()};
    std::sort(seqs.begin(), seqs.end());
    seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
    std::vector<delivery_record> pending;
    for (auto seq : seqs)
      for (auto& d : deliveries_of(seq))
        if (d.status == delivery_status::pending)
          pending.push_back(std::move(d));
    return pending;
  }
  virtual std::vector<attempt_record> attempts_of(const std::string& message_id) = 0;

  /// The first `limit` messages matching `f`, newest first (by seq). When the filter scans
  /// (message_filter::scans), the page reads at most `scan_limit` seqs below its start, so
  /// every page costs a bounded read whatever the filter matches: it may then hold fewer than
  /// `limit` messages while next_before says more may follow.
  virtual message_page list_messages(const message_filter& f, std::size_t limit,
                                     std::size_t scan_limit) = 0;
  /// The first `limit` attempts matching `f`, newest first (by seq), reading at most
  /// `scan_limit` seqs below the start of the page (no index serves an endpoint's attempts:
  /// keeping one costs the hot path, see store/sqlite_schema.cpp version 2).
  virtual attempt_page list_attempts(const attempt_filter& f, std::size_t limit,
                                     std::size_t scan_limit) = 0;
  /// One attempt by its seq.
  virtual std::optional<attempt_record> find_attempt(std::int64_t seq) = 0;

  /// Calls `fn(endpoint_id, started_at, outcome)` for every attempt that started at or after
  /// `since`, newest first (at start-up, to fill metrics/endpoint_windows again). Attempts are
  /// logged when they end, so the log is in start order only up to an attempt's duration: the
  /// scan stops at the first attempt that started before `since - longest_attempt`.
  using attempt_visitor =
      std::function<void(const std::string& endpoint_id, time_point started_at, attempt_outcome)>;
  virtual void for_each_attempt_since(time_point since, duration longest_attempt,
                                      const attempt_visitor& fn) = 0;
};

} // namespace hookd::store

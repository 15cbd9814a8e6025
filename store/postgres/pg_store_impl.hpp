#pragma once
// The pg_store class: the PostgreSQL implementation of store::store (promises in pg_store.hpp).
// Internal to store/postgres/: everything else opens an instance with open_postgres_store().
//
// One class, its calls defined by concept, as sqlite_store:
//   pg_store.cpp         connecting (and connecting again), transactions, the all-or-nothing
//                        rule of each write call
//   pg_store_writes.cpp  messages, deliveries, attempts, endpoints, Idempotency-Keys
//   pg_store_purge.cpp   removing finished messages and old Idempotency-Keys
//   pg_store_fencing.cpp the lease check of an owner's writes (cluster mode)
//   pg_store_pipeline.cpp a writer's batch in one round trip (begin_command, settle)
//   pg_store_reads.cpp   every read
// The SQL is in pg_statements.cpp, records <-> columns in store/record_columns.hpp.
#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_notifications.hpp"
#include "store/postgres/pg_statements.hpp"
#include "store/postgres/pg_store.hpp"

#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace hookd::store {

class pg_store final : public store {
public:
  pg_store(std::string conninfo, const postgres_options& options);
  ~pg_store() override;

  // -- transactions (pg_store.cpp) ----------------------------------------------------------------
  void begin() override;
  void commit() override;
  void rollback() override;
  void rollback_quietly_all() noexcept;

  // -- outcomes held back (pg_store_pipeline.cpp) -------------------------------------------------
  void begin_command(std::size_t n) override;
  void settle() override;

  // -- writes (pg_store_writes.cpp) ---------------------------------------------------------------
  void insert_message(message_record& msg, std::vector<delivery_record>& deliveries,
                      bool endpoints_named) override;
  void put_idempotency(const idempotency_record& rec) override;
  void record_attempt(attempt_record& a, const delivery_update& d) override;
  void update_delivery(const delivery_update& d) override;
  void put_endpoint(const endpoint_record& ep) override;
  std::optional<endpoint_record> update_endpoint(const endpoint_record& ep,
                                                 std::uint32_t fields) override;
  std::optional<endpoint_record> rotate_secret(const std::string& endpoint_id,
                                               const std::string& secret,
                                               time_point previous_expires_at,
                                               time_point at) override;
  void set_endpoint_status(const std::string& endpoint_id, endpoint_status status,
                           disabled_reason reason, time_point at) override;
  void set_failing_since(const std::string& endpoint_id, time_point since) override;
  std::size_t fail_pending(const std::string& endpoint_id, failure_reason reason,
                           time_point at) override;
  endpoint_deletion delete_endpoint(const std::string& endpoint_id, time_point at) override;
  std::size_t requeue_failed(const std::string& endpoint_id, time_point since,
                             time_point now) override;
  std::vector<delivery_record> requeue_message(std::int64_t message_seq, time_point now) override;
  std::vector<delivery_record> requeue_delivery(std::int64_t message_seq, const std::string& endpoint_id,
                                                time_point now) override;
  void insert_application(const application_record& app) override;
  bool update_application(const application_record& app) override;
  bool delete_application(const std::string& application_id) override;
  // -- inbound sources (pg_store_sources.cpp) -----------------------------------------------------
  void insert_source(const source_record& src) override;
  bool update_source(const source_record& src) override;
  bool delete_source(const std::string& source_id) override;
  std::optional<source_record> find_source(const std::string& source_id) override;
  std::vector<source_record> list_sources(const std::string& after_id, std::size_t limit) override;
  void put_event_type(const event_type_record& t) override;

  // -- purge (pg_store_purge.cpp) -----------------------------------------------------------------
  std::size_t purge_finished(time_point before, std::size_t limit) override;
  std::size_t purge_idempotency(time_point before) override;

  // -- fencing (pg_store_fencing.cpp) -------------------------------------------------------------
  std::vector<lease_token> hold_leases(const std::string& node_id,
                                       std::span<const lease_token> tokens) override;

  // -- reads (pg_store_reads.cpp) -----------------------------------------------------------------
  std::vector<endpoint_record> load_endpoints() override;
  std::optional<endpoint_record> find_endpoint(const std::string& endpoint_id) override;
  std::vector<std::string> endpoints_with_pending() override;
  std::vector<delivery_record> load_pending(const std::string& endpoint_id) override;
  std::vector<std::pair<std::int64_t, std::string>>
  load_payloads(std::span<const std::int64_t> message_seqs) override;
  std::vector<endpoint_record> list_endpoints(const std::string& after_id,
                                              std::size_t limit) override;
  std::vector<std::pair<std::string, endpoint_stats>>
  stats_of(std::span<const std::string> endpoint_ids) override;
  std::optional<idempotency_record> find_idempotency(const std::string& key) override;
  store_counts counts(time_point now) override;
  std::optional<message_record> find_message(const std::string& message_id) override;
  std::vector<delivery_record> deliveries_of(std::int64_t message_seq) override;
  std::vector<delivery_record>
  pending_of_messages(std::span<const std::int64_t> message_seqs) override;
  std::vector<attempt_record> attempts_of(const std::string& message_id) override;
  std::vector<endpoint_record> list_application_endpoints(const std::string& application_id,
                                                          const std::string& after_id,
                                                          std::size_t limit) override;
  std::optional<endpoint_record> find_endpoint_by_uid(const std::string& application_id,
                                                      const std::string& uid) override;
  std::optional<application_record> find_application(const std::string& application_id) override;
  std::optional<application_record> find_application_by_uid(const std::string& uid) override;
  std::vector<application_record> list_applications(const std::string& after_id,
                                                    std::size_t limit) override;
  message_page list_messages(const message_filter& f, std::size_t limit,
                             std::size_t scan_limit) override;
  attempt_page list_attempts(const attempt_filter& f, std::size_t limit,
                             std::size_t scan_limit) override;
  std::optional<attempt_record> find_attempt(std::int64_t seq) override;
  std::optional<event_type_record> find_event_type(const std::string& name) override;
  std::vector<application_counts> counts_by_application() override;
  std::vector<event_type_record> list_event_types(const std::string& after_name,
                                                  std::size_t limit) override;
  void for_each_attempt_since(time_point since, duration longest_attempt,
                              const attempt_visitor& fn) override;

private:
  // -- connection and transaction rules (pg_store.cpp) --------------------------------------------

  /// The connection, made again when it was lost (outside a transaction only).
  pg::connection& db();

  /// Runs a prepared statement on the connection, once every held-back write is settled.
  pg::result run(pg::stmt s, const pg::params& p, std::string_view op);

  /// The newest seq of a table (max_message_seq, max_attempt_seq): where a first page starts.
  std::int64_t newest_seq(pg::stmt max_seq, std::string_view op);

  /// What a write call does with its statement's answer.
  using completion = std::function<void(pg::result&)>;
  /// A write call's statement: run at once and `done` called with the answer; or, inside a
  /// command (begin_command), sent down the pipeline and `done` kept for settle().
  void write(pg::stmt s, const pg::params& p, std::string_view op, completion done);

  /// Refuses writes on a reader and writes into a transaction that can no longer commit.
  void check_writable(std::string_view op) const;

  /// Runs the statements of one write call all-or-nothing: inside the caller's transaction an
  /// error PostgreSQL raised marks it broken (PostgreSQL refuses everything until ROLLBACK
  /// anyway); a refusal the call detected itself (no row to update, a key that exists) does
  /// not. Outside a transaction the call gets one of its own.
  template <class Body>
  void atomically(std::string_view op, Body&& body) {
    check_writable(op);
    if (explicit_transaction_) {
      try {
        body();
      } catch (const error& e) {
        if (e.what_kind() == error::kind::failure || (conn_ && conn_->transaction_failed()))
          broken_because_ = e.what();
        throw;
      }
      return;
    }
    db().exec("BEGIN", op);
    try {
      body();
      flush_totals(op);
      announce(op);
      commit_or_throw(op);
    } catch (...) {
      totals_delta_.clear();
      announced_.clear();
      changed_endpoints_.clear();
      if (conn_)
        conn_->rollback_quietly();
      throw;
    }
  }

  /// Sends COMMIT and throws unless PostgreSQL answered that it committed.
  void commit_or_throw(std::string_view op);

  /// Writes the transaction's changes to delivery_totals, in endpoint-id order (one statement).
  void flush_totals(std::string_view op);

  /// Cluster mode: NOTIFYs what the transaction wrote that other nodes act on (just before
  /// COMMIT; PostgreSQL delivers them only if it commits).
  void announce(std::string_view op);

  /// Cluster mode: an announcement of the endpoint's change (and of re-queued work for it).
  void endpoint_changed(const std::string& endpoint_id) {
    if (!options_.node_id.empty())
      changed_endpoints_.insert(endpoint_id);
  }
  /// Cluster mode: an announcement of the message's pending deliveries.
  void work_added(std::int64_t message_seq, const std::string& endpoint_id);

  /// This transaction's not yet flushed change to the endpoint's delivery total.
  std::int64_t unflushed_total(const std::string& endpoint_id) const;

  // -- write steps (pg_store_writes.cpp) ----------------------------------------------------------

  /// Throws kind missing when an endpoint does not exist, kind disabled when one is disabled.
  void require_enabled(const std::vector<delivery_record>& deliveries, std::string_view op);

  /// insert_message's answer: fills in `msg.seq` and the stored deliveries (ids, in order;
  /// the others removed; `fanned_out`: the ones the database chose), counts them; throws kind
  /// conflict for a duplicate message id.
  void inserted(pg::result& r, message_record& msg, std::vector<delivery_record>& deliveries,
                bool fanned_out);

  /// Applies `d` to a pending delivery; throws kind missing when no such delivery exists.
  void apply_update(const delivery_update& d, std::string_view op);

  std::string conninfo_;
  postgres_options options_;
  std::unique_ptr<pg::connection> conn_;
  bool explicit_transaction_ = false;
  std::string broken_because_; ///< why the open transaction can only be rolled back
  /// The caller's command the write calls belong to (begin_command); none: apply at once.
  std::optional<std::size_t> command_;
  /// Statements sent down the pipeline, in order, with what to do with each answer.
  struct held_back {
    std::size_t command;
    std::string_view op; ///< a literal
    completion done;
  };
  std::vector<held_back> held_back_;
  /// Deliveries added (+) or purged (-) per endpoint by the open transaction, not yet in
  /// delivery_totals: flush_totals writes them just before COMMIT; a rollback drops them.
  std::map<std::string, std::int64_t, std::less<>> totals_delta_;
  /// Cluster mode: what announce() sends at the end of the open transaction.
  std::vector<seq_in_part> announced_;
  std::set<std::string> changed_endpoints_;
};

} // namespace hookd::store

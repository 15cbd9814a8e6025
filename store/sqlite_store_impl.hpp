#pragma once
// The sqlite_store class: the SQLite implementation of store::store (promises in
// sqlite_store.hpp). Internal to store/: only its own .cpp files include this header; everything
// else opens an instance with open_sqlite_store().
//
// One class, its calls defined by concept:
//   sqlite_store.cpp         opening, transactions (begin/commit/rollback) and the rules that
//                            keep each write call all-or-nothing (atomically, check_writable)
//   sqlite_store_writes.cpp  messages, deliveries, attempts, endpoints, Idempotency-Keys
//   sqlite_store_purge.cpp   removing finished messages and old Idempotency-Keys
//   sqlite_store_reads.cpp   every read
// The SQL is in sqlite_store_statements.cpp, records <-> rows in sqlite_row_mapping.cpp, the
// connection's setup in sqlite_store_connection.cpp.
#include "store/sqlite_checkpointer.hpp"
#include "store/sqlite_process_lock.hpp"
#include "store/sqlite_store.hpp"
#include "store/sqlite_store_connection.hpp"
#include "store/sqlite_store_statements.hpp"
#include "store/sqlite_wal_limit.hpp"

#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace hookd::store {

class sqlite_store final : public store {
public:
  sqlite_store(const std::string& path, const sqlite_options& options);
  ~sqlite_store() override;

  // -- transactions (sqlite_store.cpp) ------------------------------------------------------------
  void begin() override;
  void commit() override;
  void rollback() override;
  void rollback_quietly() noexcept;
  void release_memory() override;

  // -- writes (sqlite_store_writes.cpp) -----------------------------------------------------------
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
  void put_event_type(const event_type_record& t) override;

  // -- purge (sqlite_store_purge.cpp) -------------------------------------------------------------
  std::size_t purge_finished(time_point before, std::size_t limit) override;
  std::size_t purge_idempotency(time_point before) override;

  // -- reads (sqlite_store_reads.cpp) -------------------------------------------------------------
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
  std::vector<attempt_record> attempts_of(const std::string& message_id) override;
  void for_each_attempt_since(time_point since, duration longest_attempt,
                              const attempt_visitor& fn) override;
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

  // -- inbound sources (sqlite_store_sources.cpp) ------------------------------------------------
  void insert_source(const source_record& src) override;
  bool update_source(const source_record& src) override;
  bool delete_source(const std::string& source_id) override;
  std::optional<source_record> find_source(const std::string& source_id) override;
  std::vector<source_record> list_sources(const std::string& after_id, std::size_t limit) override;

private:
  // -- transaction rules (sqlite_store.cpp) -------------------------------------------------------

  /// Refuses writes on a reader and writes into a transaction that can no longer commit.
  void check_writable(std::string_view op) const;

  /// A transaction is unusable once SQLite rolled it back by itself (disk full, I/O error: a
  /// further write would silently autocommit) or a write call failed half-way (atomically()).
  void check_usable(std::string_view op) const;

  /// Runs the statements of one write call so that it is all-or-nothing.
  ///
  /// Inside the caller's transaction no savepoint is taken: a savepoint per call copies every
  /// page it touches to the sub-journal and nearly doubled the CPU cost of insert_message.
  /// Instead, a call that fails after some of its statements succeeded (only disk full, I/O
  /// errors and the like can do that: the calls order their statements so that expected
  /// failures, such as a duplicate message id or an unknown delivery, hit the first one)
  /// marks the transaction broken, so it can only be rolled back. Outside a transaction the
  /// call gets one of its own.
  template <class Body>
  void atomically(std::string_view op, Body&& body) {
    check_writable(op);
    if (!explicit_transaction_) {
      in_own_transaction(op, body);
      return;
    }
    auto changes_before = db_.total_changes();
    try {
      body();
    } catch (const std::exception& e) {
      if (db_.total_changes() != changes_before)
        broken_because_ = e.what();
      throw;
    }
  }

  template <class Body>
  void in_own_transaction(std::string_view op, Body& body) {
    sqlite::query{sql_.begin, op}.run();
    try {
      body();
      flush_totals(op);
      sqlite::query{sql_.commit, op}.run();
    } catch (...) {
      totals_delta_.clear();
      db_.rollback_quietly();
      throw;
    }
  }

  /// Writes the transaction's changes to delivery_totals (just before its COMMIT). Summing them
  /// here rather than per row keeps the insert path at a few statements per commit.
  void flush_totals(std::string_view op);

  /// This transaction's not yet flushed change to the endpoint's delivery total.
  std::int64_t unflushed_total(const std::string& endpoint_id) const;

  // -- write steps (sqlite_store_writes.cpp) ------------------------------------------------------

  /// Throws kind missing when the endpoint does not exist, kind disabled when it is disabled.
  void require_enabled(const std::string& endpoint_id, std::string_view op);

  std::int64_t insert_delivery(std::int64_t message_seq, const delivery_record& d,
                               time_point updated_at);

  /// Applies `d` to a pending delivery; a delivery no longer pending stays as it is. Throws
  /// (kind missing, nothing written) when no such delivery exists.
  void apply_update(const delivery_update& d, std::string_view op);

  std::size_t fail_pending_rows(const std::string& endpoint_id, failure_reason reason,
                                time_point at, std::string_view op);

  /// Runs `requeue` (its parameters bound by `bind`), then reads the message's pending
  /// deliveries, all in one write call.
  std::vector<delivery_record> requeue_then_read(sqlite::statement& requeue, std::string_view op,
                                                 std::int64_t message_seq,
                                                 const std::function<void(sqlite::query&)>& bind);

  // -- read steps (sqlite_store_reads.cpp) --------------------------------------------------------

  /// Reads the payloads of up to `payload_chunk` seqs from the front of `seqs`.
  void load_payload_chunk(std::span<const std::int64_t> seqs,
                          std::vector<std::pair<std::int64_t, std::string>>& out);

  std::size_t changed_rows() const { return static_cast<std::size_t>(db_.changes()); }

  std::unique_ptr<sqlite::process_lock> lock_; // taken before the file is opened, freed last
  sqlite::store_connection db_; // destroyed after the statements that use it
  bool read_only_;
  sqlite::statements sql_;
  bool explicit_transaction_ = false;
  std::string broken_because_; ///< why the open transaction can only be rolled back
  /// Deliveries added (+) or purged (-) per endpoint by the open transaction, not yet in
  /// delivery_totals: flush_totals writes them just before COMMIT; a rollback drops them.
  std::map<std::string, std::int64_t, std::less<>> totals_delta_;
  std::unique_ptr<sqlite::wal_limit> wal_limit_;       ///< writer only (background_checkpoint)
  std::unique_ptr<sqlite::checkpointer> checkpointer_; ///< writer only (background_checkpoint)
};

} // namespace hookd::store

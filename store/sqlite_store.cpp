#include "store/sqlite_store.hpp"

#include "store/enum_codes.hpp"
#include "store/event_types_json.hpp"
#include "store/sqlite_checkpointer.hpp"
#include "store/sqlite_process_lock.hpp"
#include "store/sqlite_wal_limit.hpp"
#include "store/sqlite_connection.hpp"
#include "store/sqlite_schema.hpp"
#include "store/sqlite_statement.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <system_error>

namespace hookd::store {
namespace {

using codes::decode;
using codes::encode;
using sqlite::connection;
using sqlite::query;
using sqlite::statement;

// -- connection setup -----------------------------------------------------------------------------

void enable_wal(connection& db) {
  statement s{db, "PRAGMA journal_mode = WAL"};
  query q{s, "open: enable WAL"};
  std::string mode = q.step() ? q.column_text() : "";
  if (mode != "wal" && !(mode == "memory" && db.path() == ":memory:"))
    throw error("open: cannot put " + db.path() + " in WAL mode (journal_mode is '" + mode + "')");
}

void apply_pragmas(connection& db, const sqlite_options& options) {
  // Set first: everything after may wait for a lock held by another connection.
  std::string busy = "PRAGMA busy_timeout = " + std::to_string(options.busy_timeout.count());
  db.exec(busy.c_str(), "open");
  enable_wal(db);
  // synchronous=FULL, not the NORMAL usually paired with WAL. With NORMAL, walFrames() in
  // SQLite's wal.c fsyncs the WAL only at checkpoints, so a power loss or kernel crash can
  // undo transactions whose COMMIT has already returned, and hookd answers 202 (and marks
  // deliveries done) on the strength of that return (docs/behaviour.md). FULL fsyncs the WAL at every
  // commit; group commit amortizes the ~140 µs (docs/benchmarks.md, "The building blocks").
  // https://www.sqlite.org/pragma.html#pragma_synchronous
  db.exec("PRAGMA synchronous = FULL", "open");
  db.exec("PRAGMA foreign_keys = ON", "open");
  // A checkpoint resets the WAL but keeps the file at its largest size unless told otherwise.
  db.exec("PRAGMA journal_size_limit = 67108864", "open");
  std::string cache = "PRAGMA cache_size = -" + std::to_string(options.cache_size_kib);
  db.exec(cache.c_str(), "open");
}

void create_parent_directories(const std::string& path) {
  auto parent = std::filesystem::path{path}.parent_path();
  if (path == ":memory:" || parent.empty())
    return;
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec)
    throw error("open: cannot create directory " + parent.string() + " for database " + path +
                ": " + ec.message());
}

/// A connection with hookd's pragmas applied and the schema brought up to date.
class store_connection : public connection {
public:
  store_connection(const std::string& path, const sqlite_options& options) : connection(path) {
    apply_pragmas(*this, options);
    sqlite::migrate(*this);
    if (options.read_only)
      exec("PRAGMA query_only = ON", "open");
  }
};

// -- SQL ------------------------------------------------------------------------------------------
// Status literals are the codes of store/enum_codes.hpp (deliveries: 0 pending, 2 failed;
// endpoints: 0 enabled; attempts: 0 success, 1 failure, 2 permanent): SQLite picks a partial
// index only for a literal that matches its WHERE clause.

constexpr const char* endpoint_columns =
    "id, url, description, event_types, secret, previous_secret, previous_secret_expires_at, "
    "signature_scheme, rate_limit_per_s, max_concurrency, timeout_ms, status, disabled_reason, "
    "failing_since, created_at, updated_at";

constexpr const char* delivery_columns =
    "SELECT d.id, d.message_seq, m.id, d.endpoint_id, d.status, d.reason, d.attempts, "
    "d.first_attempt_at, d.next_attempt_at, d.last_status_code, d.last_error, m.created_at, "
    "d.updated_at FROM deliveries d JOIN messages m ON m.seq = d.message_seq ";

/// The oldest ?2 messages created before ?1 none of whose deliveries is pending
/// (messages_by_created_at holds (created_at, seq) in order: no sort).
constexpr const char* finished_messages_sql =
    "SELECT m.seq FROM messages m WHERE m.created_at < ?1 AND NOT EXISTS "
    "(SELECT 1 FROM deliveries p WHERE p.message_seq = m.seq AND p.status = 0) "
    "ORDER BY m.created_at, m.seq LIMIT ?2";

/// Payloads are read this many seqs per statement; a short last chunk repeats its last seq.
constexpr std::size_t payload_chunk = 64;

std::string cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts)
    s += p;
  return s;
}

std::string payload_query() {
  std::string s = "SELECT seq, payload FROM messages WHERE seq IN (?";
  for (std::size_t i = 1; i < payload_chunk; ++i)
    s += ",?";
  return s + ") ORDER BY seq";
}

struct statements {
  explicit statements(connection& db, bool read_only)
      : begin{db, read_only ? "BEGIN" : "BEGIN IMMEDIATE"}, commit{db, "COMMIT"},
        rollback{db, "ROLLBACK"},
        insert_message{db, "INSERT INTO messages (id, event_type, payload, created_at) "
                           "VALUES (?, ?, ?, ?)"},
        // Only for an endpoint that exists and is enabled when the transaction gets there: a
        // delete or disable committed earlier in the same batch leaves nothing pending behind.
        insert_delivery{db, "INSERT INTO deliveries (message_seq, endpoint_id, status, reason, "
                            "attempts, first_attempt_at, next_attempt_at, last_status_code, "
                            "last_error, updated_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE "
                            "EXISTS (SELECT 1 FROM endpoints e WHERE e.id = ?2 AND e.status = 0)"},
        // Only a pending delivery changes: a late attempt result never revives a delivery that
        // was failed (delete, exhausted) or finished meanwhile. One exception: a success (?1 =
        // 1, delivered) of an attempt that was out when its endpoint was disabled is recorded,
        // turning failed/endpoint_disabled (2/2) into delivered: the receiver did get it.
        update_delivery{db, "UPDATE deliveries SET status = ?1, reason = ?2, attempts = ?3, "
                            "first_attempt_at = ?4, next_attempt_at = ?5, last_status_code = ?6, "
                            "last_error = ?7, updated_at = ?8 WHERE id = ?9 AND (status = 0 OR "
                            "(?1 = 1 AND status = 2 AND reason = 2))"},
        delivery_exists{db, "SELECT 1 FROM deliveries WHERE id = ?"},
        // The endpoint id is the delivery's (its row was just updated: a cached page).
        insert_attempt{db, "INSERT INTO attempts (delivery_id, endpoint_id, at, outcome, "
                           "status_code, elapsed_ms, error, error_detail, response_body) "
                           "SELECT id, endpoint_id, ?, ?, ?, ?, ?, ?, ? FROM deliveries "
                           "WHERE id = ?"},
        put_idempotency{db, "INSERT INTO idempotency_keys (key, request_hash, message_id, "
                            "created_at) VALUES (?, ?, ?, ?)"},
        put_endpoint{db, cat({"INSERT OR REPLACE INTO endpoints (", endpoint_columns,
                              ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"})},
        // ?3 holds the endpoint_field bits: each named column takes its parameter, the others
        // keep what is stored now. SET expressions read the row as it was before the UPDATE, so
        // the previous secret is cleared only when the secret really changes.
        update_endpoint{db, "UPDATE endpoints SET "
                            "url = CASE WHEN ?3 & 1 THEN ?4 ELSE url END, "
                            "description = CASE WHEN ?3 & 2 THEN ?5 ELSE description END, "
                            "event_types = CASE WHEN ?3 & 4 THEN ?6 ELSE event_types END, "
                            "signature_scheme = CASE WHEN ?3 & 8 THEN ?7 ELSE signature_scheme END, "
                            "rate_limit_per_s = CASE WHEN ?3 & 16 THEN ?8 ELSE rate_limit_per_s END, "
                            "max_concurrency = CASE WHEN ?3 & 32 THEN ?9 ELSE max_concurrency END, "
                            "timeout_ms = CASE WHEN ?3 & 64 THEN ?10 ELSE timeout_ms END, "
                            "secret = CASE WHEN ?3 & 128 THEN ?11 ELSE secret END, "
                            "previous_secret = CASE WHEN ?3 & 128 AND ?11 <> secret THEN '' "
                            "ELSE previous_secret END, "
                            "previous_secret_expires_at = CASE WHEN ?3 & 128 AND ?11 <> secret "
                            "THEN NULL ELSE previous_secret_expires_at END, "
                            "updated_at = ?2 WHERE id = ?1"},
        rotate_secret{db, "UPDATE endpoints SET previous_secret = secret, "
                          "previous_secret_expires_at = ?, secret = ?, updated_at = ? "
                          "WHERE id = ?"},
        set_endpoint_status{db, "UPDATE endpoints SET status = ?, disabled_reason = ?, "
                                "updated_at = ? WHERE id = ?"},
        set_failing_since{db, "UPDATE endpoints SET failing_since = ? WHERE id = ?"},
        fail_pending{db, "UPDATE deliveries SET status = 2, reason = ?, next_attempt_at = NULL, "
                         "updated_at = ? WHERE endpoint_id = ? AND status = 0"},
        delete_endpoint{db, "DELETE FROM endpoints WHERE id = ?"},
        requeue_failed{db, "UPDATE deliveries SET status = 0, reason = 0, attempts = 0, "
                           "first_attempt_at = NULL, next_attempt_at = ?1, updated_at = ?1 "
                           "WHERE endpoint_id = ?2 AND status = 2 AND (SELECT created_at FROM "
                           "messages WHERE seq = deliveries.message_seq) >= ?3"},
        requeue_message{db, "UPDATE deliveries SET status = 0, reason = 0, next_attempt_at = ?1, "
                            "updated_at = ?1 WHERE message_seq = ?2 AND status = 2 AND EXISTS "
                            "(SELECT 1 FROM endpoints e WHERE e.id = deliveries.endpoint_id "
                            "AND e.status = 0)"},
        pending_of_message{
            db, cat({delivery_columns, "WHERE d.message_seq = ? AND d.status = 0 ORDER BY d.id"})},
        add_delivery_totals{db, "INSERT INTO delivery_totals (endpoint_id, deliveries) "
                                "VALUES (?1, ?2) ON CONFLICT (endpoint_id) "
                                "DO UPDATE SET deliveries = deliveries + excluded.deliveries"},
        finished_messages{db, finished_messages_sql},
        purge_endpoints_of{db, "SELECT endpoint_id FROM deliveries WHERE message_seq = ?"},
        purge_attempts{db, "DELETE FROM attempts WHERE delivery_id IN "
                           "(SELECT id FROM deliveries WHERE message_seq = ?)"},
        purge_deliveries{db, "DELETE FROM deliveries WHERE message_seq = ?"},
        purge_message{db, "DELETE FROM messages WHERE seq = ?"},
        purge_idempotency{db, "DELETE FROM idempotency_keys WHERE created_at < ?"},
        load_endpoints{
            db, cat({"SELECT ", endpoint_columns, " FROM endpoints ORDER BY created_at, id"})},
        find_endpoint{db, cat({"SELECT ", endpoint_columns, " FROM endpoints WHERE id = ?"})},
        list_endpoints{db, cat({"SELECT ", endpoint_columns,
                                " FROM endpoints WHERE id > ? ORDER BY id LIMIT ?"})},
        // Each count reads one index: the partial ones for pending and failed,
        // attempts_by_endpoint (covering) for the attempts.
        delivery_counts{db, "SELECT (SELECT count(*) FROM deliveries WHERE endpoint_id = ?1 AND "
                            "status = 0), (SELECT count(*) FROM deliveries WHERE endpoint_id = ?1 "
                            "AND status = 2), (SELECT deliveries FROM delivery_totals WHERE "
                            "endpoint_id = ?1)"},
        attempt_counts{db, "SELECT coalesce(sum(outcome = 0), 0), coalesce(sum(outcome IN (1, 2)), "
                           "0) FROM attempts WHERE endpoint_id = ? AND at >= ?"},
        find_idempotency{db, "SELECT key, request_hash, message_id, created_at FROM "
                             "idempotency_keys WHERE key = ?"},
        // Reads the pending partial index only (it covers next_attempt_at).
        pending_counts{db, "SELECT count(*), coalesce(sum(next_attempt_at <= ?1), 0), "
                           "coalesce(sum(next_attempt_at > ?1 AND next_attempt_at <= ?2), 0), "
                           "coalesce(sum(next_attempt_at > ?2 AND next_attempt_at <= ?3), 0), "
                           "coalesce(sum(next_attempt_at > ?3 AND next_attempt_at <= ?4), 0), "
                           "coalesce(sum(next_attempt_at > ?4), 0) FROM deliveries "
                           "INDEXED BY deliveries_pending WHERE status = 0"},
        endpoint_counts{db, "SELECT coalesce(sum(status = 0), 0), coalesce(sum(status = 1), 0) "
                            "FROM endpoints"},
        endpoints_with_pending{db, "SELECT DISTINCT endpoint_id FROM deliveries WHERE status = 0 "
                                   "ORDER BY endpoint_id"},
        load_pending{db, cat({delivery_columns, "WHERE d.endpoint_id = ? AND d.status = 0 "
                                                "ORDER BY d.next_attempt_at, d.id"})},
        load_payloads{db, payload_query()},
        find_message{db,
                     "SELECT seq, id, event_type, payload, created_at FROM messages WHERE id = ?"},
        deliveries_of{db, cat({delivery_columns, "WHERE d.message_seq = ? ORDER BY d.id"})},
        attempts_of{db, "SELECT a.seq, a.delivery_id, m.id, a.endpoint_id, a.at, a.outcome, "
                        "a.status_code, a.elapsed_ms, a.error, a.error_detail, a.response_body "
                        "FROM messages m JOIN deliveries d ON d.message_seq = m.seq "
                        "JOIN attempts a ON a.delivery_id = d.id WHERE m.id = ? ORDER BY a.seq"} {}

  statement begin, commit, rollback;
  statement insert_message, insert_delivery, update_delivery, delivery_exists, insert_attempt;
  statement put_idempotency;
  statement put_endpoint, update_endpoint, rotate_secret;
  statement set_endpoint_status, set_failing_since, fail_pending, delete_endpoint;
  statement requeue_failed, requeue_message, pending_of_message, add_delivery_totals;
  statement finished_messages, purge_endpoints_of, purge_attempts, purge_deliveries, purge_message;
  statement purge_idempotency;
  statement load_endpoints, find_endpoint, list_endpoints, delivery_counts, attempt_counts;
  statement find_idempotency, pending_counts, endpoint_counts;
  statement endpoints_with_pending, load_pending, load_payloads;
  statement find_message, deliveries_of, attempts_of;
};

// -- rows -----------------------------------------------------------------------------------------

/// Binds the mutable part of a delivery, in the column order of insert_delivery/update_delivery.
template <class State>
void bind_delivery_state(query& q, const State& s, time_point updated_at) {
  q.bind_int(encode(s.status))
      .bind_int(encode(s.reason))
      .bind_int(s.attempts)
      .bind_time(s.first_attempt_at)
      .bind_time(s.next_attempt_at)
      .bind_int(s.last_status_code)
      .bind_int(encode(s.last_error))
      .bind_time(updated_at);
}

/// `event_types_json` is bound without a copy, so the caller keeps it alive.
void bind_endpoint(query& q, const endpoint_record& ep, const std::string& event_types_json) {
  q.bind_text(ep.id)
      .bind_text(ep.url)
      .bind_text(ep.description)
      .bind_text(event_types_json)
      .bind_text(ep.secret)
      .bind_text(ep.previous_secret)
      .bind_time(ep.previous_secret_expires_at)
      .bind_int(encode(ep.scheme))
      .bind_real(ep.rate_limit_per_s)
      .bind_int(ep.max_concurrency)
      .bind_int(ep.timeout_ms)
      .bind_int(encode(ep.status))
      .bind_int(encode(ep.reason))
      .bind_time(ep.failing_since)
      .bind_time(ep.created_at)
      .bind_time(ep.updated_at);
}

std::int32_t column_int32(query& q) {
  return static_cast<std::int32_t>(q.column_int());
}

endpoint_record read_endpoint(query& q) {
  endpoint_record ep;
  ep.id = q.column_text();
  ep.url = q.column_text();
  ep.description = q.column_text();
  ep.event_types = decode_event_types(q.column_text());
  ep.secret = q.column_text();
  ep.previous_secret = q.column_text();
  ep.previous_secret_expires_at = q.column_time();
  ep.scheme = decode<signature_scheme>(q.column_int());
  ep.rate_limit_per_s = q.column_real();
  ep.max_concurrency = column_int32(q);
  ep.timeout_ms = column_int32(q);
  ep.status = decode<endpoint_status>(q.column_int());
  ep.reason = decode<disabled_reason>(q.column_int());
  ep.failing_since = q.column_time();
  ep.created_at = q.column_time();
  ep.updated_at = q.column_time();
  return ep;
}

delivery_record read_delivery(query& q) {
  delivery_record d;
  d.id = q.column_int();
  d.message_seq = q.column_int();
  d.message_id = q.column_text();
  d.endpoint_id = q.column_text();
  d.status = decode<delivery_status>(q.column_int());
  d.reason = decode<failure_reason>(q.column_int());
  d.attempts = column_int32(q);
  d.first_attempt_at = q.column_time();
  d.next_attempt_at = q.column_time();
  d.last_status_code = column_int32(q);
  d.last_error = decode<attempt_error>(q.column_int());
  d.created_at = q.column_time();
  d.updated_at = q.column_time();
  return d;
}

attempt_record read_attempt(query& q) {
  attempt_record a;
  a.seq = q.column_int();
  a.delivery_id = q.column_int();
  a.message_id = q.column_text();
  a.endpoint_id = q.column_text();
  a.at = q.column_time();
  a.outcome = decode<attempt_outcome>(q.column_int());
  a.status_code = column_int32(q);
  a.elapsed = duration{q.column_int()};
  a.error = decode<attempt_error>(q.column_int());
  a.error_detail = q.column_text();
  a.response_body = q.column_blob();
  return a;
}

message_record read_message(query& q) {
  message_record m;
  m.seq = q.column_int();
  m.id = q.column_text();
  m.event_type = q.column_text();
  m.payload = q.column_blob();
  m.created_at = q.column_time();
  return m;
}

idempotency_record read_idempotency(query& q) {
  idempotency_record r;
  r.key = q.column_text();
  r.request_hash = q.column_text();
  r.message_id = q.column_text();
  r.created_at = q.column_time();
  return r;
}

/// A count for SQL LIMIT (a signed 64-bit integer).
std::int64_t sql_limit(std::size_t n) {
  constexpr auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(std::min(n, max));
}

/// Runs `q` and collects every row with `read`.
template <class Read>
auto read_all(query& q, Read read) {
  std::vector<decltype(read(q))> rows;
  while (q.step())
    rows.push_back(read(q));
  return rows;
}

// -- the store ------------------------------------------------------------------------------------

class sqlite_store final : public store {
public:
  sqlite_store(const std::string& path, const sqlite_options& options)
      : lock_(options.process_lock && path != ":memory:"
                  ? std::make_unique<sqlite::process_lock>(path)
                  : nullptr),
        db_(path, options), read_only_(options.read_only), sql_(db_, options.read_only) {
    if (options.background_checkpoint.count() > 0 && !options.read_only) {
      db_.exec("PRAGMA wal_autocheckpoint = 0", "open");
      wal_limit_ = std::make_unique<sqlite::wal_limit>(db_, options.wal_limit_frames);
      checkpointer_ = std::make_unique<sqlite::checkpointer>(path, options.background_checkpoint);
    }
  }

  ~sqlite_store() override { rollback_quietly(); }

  // -- transactions -------------------------------------------------------------------------------

  void begin() override {
    query{sql_.begin, "begin"}.run();
    explicit_transaction_ = true;
    broken_because_.clear();
    totals_delta_.clear();
  }

  void commit() override {
    try {
      if (!db_.in_transaction())
        throw error("commit: no transaction is open (begin() was not called, or SQLite rolled "
                    "it back after an earlier failure; database " +
                    db_.path() + ")");
      check_usable("commit");
      flush_totals("commit");
      query{sql_.commit, "commit"}.run();
    } catch (...) {
      rollback_quietly(); // a failed commit leaves nothing open behind it
      throw;
    }
    explicit_transaction_ = false;
  }

  void rollback() override {
    explicit_transaction_ = false;
    broken_because_.clear();
    totals_delta_.clear();
    if (db_.in_transaction())
      query{sql_.rollback, "rollback"}.run();
  }

  void rollback_quietly() noexcept {
    explicit_transaction_ = false;
    broken_because_.clear();
    totals_delta_.clear();
    db_.rollback_quietly();
  }

  // -- writes -------------------------------------------------------------------------------------

  void insert_message(message_record& msg, std::vector<delivery_record>& deliveries,
                      bool endpoints_named) override {
    constexpr std::string_view op = "insert_message";
    std::int64_t seq = 0;
    std::vector<std::int64_t> ids;
    ids.reserve(deliveries.size());
    atomically(op, [&] {
      if (endpoints_named) // checked before the first write: a refusal leaves nothing behind
        for (const auto& d : deliveries)
          require_enabled(d.endpoint_id, op);
      query q{sql_.insert_message, op};
      q.bind_text(msg.id)
          .bind_text(msg.event_type)
          .bind_blob(msg.payload)
          .bind_time(msg.created_at);
      q.run();
      seq = db_.last_insert_rowid();
      for (const auto& d : deliveries)
        ids.push_back(insert_delivery(seq, d, initial_update_time(msg, d)));
      for (std::size_t i = 0; i < deliveries.size(); ++i) // last: only once every row is written
        if (ids[i] != 0)
          ++totals_delta_[deliveries[i].endpoint_id];
    });
    msg.seq = seq;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < deliveries.size(); ++i) {
      if (ids[i] == 0)
        continue; // its endpoint is gone or disabled: no delivery
      auto& d = deliveries[kept++];
      if (kept - 1 != i)
        d = std::move(deliveries[i]);
      d.updated_at = initial_update_time(msg, d);
      d.id = ids[i];
      d.message_seq = seq;
      d.message_id = msg.id;
      d.created_at = msg.created_at;
    }
    deliveries.resize(kept);
  }

  void put_idempotency(const idempotency_record& rec) override {
    check_writable("put_idempotency");
    query q{sql_.put_idempotency, "put_idempotency"};
    q.bind_text(rec.key)
        .bind_text(rec.request_hash)
        .bind_text(rec.message_id)
        .bind_time(rec.created_at);
    q.run(); // a key that exists fails the primary key: nothing written
  }

  void record_attempt(attempt_record& a, const delivery_update& d) override {
    constexpr std::string_view op = "record_attempt";
    if (a.delivery_id != 0 && a.delivery_id != d.delivery_id)
      throw error("record_attempt: the attempt is for delivery " + std::to_string(a.delivery_id) +
                      " but the update for delivery " + std::to_string(d.delivery_id),
                  error::kind::missing);
    atomically(op, [&] {
      apply_update(d, op);
      query q{sql_.insert_attempt, op};
      q.bind_time(a.at)
          .bind_int(encode(a.outcome))
          .bind_int(a.status_code)
          .bind_int(a.elapsed.count())
          .bind_int(encode(a.error))
          .bind_text(a.error_detail)
          .bind_blob(a.response_body)
          .bind_int(d.delivery_id);
      q.run();
      a.seq = db_.last_insert_rowid();
    });
    a.delivery_id = d.delivery_id;
  }

  void update_delivery(const delivery_update& d) override {
    check_writable("update_delivery");
    apply_update(d, "update_delivery");
  }

  void put_endpoint(const endpoint_record& ep) override {
    check_writable("put_endpoint");
    auto event_types = encode_event_types(ep.event_types);
    query q{sql_.put_endpoint, "put_endpoint"};
    bind_endpoint(q, ep, event_types);
    q.run();
  }

  std::optional<endpoint_record> update_endpoint(const endpoint_record& ep,
                                                 std::uint32_t fields) override {
    constexpr std::string_view op = "update_endpoint";
    bool found = false;
    atomically(op, [&] {
      auto event_types = encode_event_types(ep.event_types);
      query q{sql_.update_endpoint, op};
      q.bind_text(ep.id)
          .bind_time(ep.updated_at)
          .bind_int(fields)
          .bind_text(ep.url)
          .bind_text(ep.description)
          .bind_text(event_types)
          .bind_int(encode(ep.scheme))
          .bind_real(ep.rate_limit_per_s)
          .bind_int(ep.max_concurrency)
          .bind_int(ep.timeout_ms)
          .bind_text(ep.secret);
      q.run();
      found = db_.changes() > 0;
    });
    return found ? find_endpoint(ep.id) : std::nullopt;
  }

  std::optional<endpoint_record> rotate_secret(const std::string& endpoint_id,
                                               const std::string& secret,
                                               time_point previous_expires_at,
                                               time_point at) override {
    check_writable("rotate_secret");
    query q{sql_.rotate_secret, "rotate_secret"};
    q.bind_time(previous_expires_at).bind_text(secret).bind_time(at).bind_text(endpoint_id);
    q.run();
    return db_.changes() > 0 ? find_endpoint(endpoint_id) : std::nullopt;
  }

  void set_endpoint_status(const std::string& endpoint_id, endpoint_status status,
                           disabled_reason reason, time_point at) override {
    check_writable("set_endpoint_status");
    query q{sql_.set_endpoint_status, "set_endpoint_status"};
    q.bind_int(encode(status)).bind_int(encode(reason)).bind_time(at).bind_text(endpoint_id);
    q.run();
  }

  void set_failing_since(const std::string& endpoint_id, time_point since) override {
    check_writable("set_failing_since");
    query q{sql_.set_failing_since, "set_failing_since"};
    q.bind_time(since).bind_text(endpoint_id);
    q.run();
  }

  std::size_t fail_pending(const std::string& endpoint_id, failure_reason reason,
                           time_point at) override {
    check_writable("fail_pending");
    return fail_pending_rows(endpoint_id, reason, at, "fail_pending");
  }

  endpoint_deletion delete_endpoint(const std::string& endpoint_id, time_point at) override {
    constexpr std::string_view op = "delete_endpoint";
    endpoint_deletion result;
    atomically(op, [&] {
      result.failed = fail_pending_rows(endpoint_id, failure_reason::endpoint_deleted, at, op);
      query q{sql_.delete_endpoint, op};
      q.bind_text(endpoint_id);
      q.run();
      result.existed = db_.changes() > 0;
    });
    return result;
  }

  std::size_t requeue_failed(const std::string& endpoint_id, time_point since,
                             time_point now) override {
    check_writable("requeue_failed");
    query q{sql_.requeue_failed, "requeue_failed"};
    q.bind_time(now).bind_text(endpoint_id).bind_time(since);
    q.run();
    return changed_rows();
  }

  std::vector<delivery_record> requeue_message(std::int64_t message_seq, time_point now) override {
    constexpr std::string_view op = "requeue_message";
    std::vector<delivery_record> pending;
    atomically(op, [&] {
      {
        query q{sql_.requeue_message, op};
        q.bind_time(now).bind_int(message_seq);
        q.run();
      }
      query q{sql_.pending_of_message, op};
      q.bind_int(message_seq);
      pending = read_all(q, read_delivery);
    });
    return pending;
  }

  std::size_t purge_finished(time_point before, std::size_t limit) override {
    constexpr std::string_view op = "purge_finished";
    std::size_t purged = 0;
    atomically(op, [&] {
      std::vector<std::int64_t> seqs;
      {
        query q{sql_.finished_messages, op};
        q.bind_time(before).bind_int(sql_limit(limit));
        seqs = read_all(q, [](query& row) { return row.column_int(); });
      }
      std::map<std::string, std::int64_t> removed; // deliveries per endpoint
      for (auto seq : seqs) {
        {
          query q{sql_.purge_endpoints_of, op};
          q.bind_int(seq);
          while (q.step())
            --removed[q.column_text()];
        }
        for (auto* s : {&sql_.purge_attempts, &sql_.purge_deliveries, &sql_.purge_message}) {
          query q{*s, op};
          q.bind_int(seq);
          q.run();
        }
      }
      for (const auto& [endpoint_id, n] : removed) // last: only once every row is gone
        totals_delta_[endpoint_id] += n;
      purged = seqs.size();
    });
    return purged;
  }

  std::size_t purge_idempotency(time_point before) override {
    check_writable("purge_idempotency");
    query q{sql_.purge_idempotency, "purge_idempotency"};
    q.bind_time(before);
    q.run();
    return changed_rows();
  }

  // -- reads --------------------------------------------------------------------------------------

  std::vector<endpoint_record> load_endpoints() override {
    query q{sql_.load_endpoints, "load_endpoints"};
    return read_all(q, read_endpoint);
  }

  std::optional<endpoint_record> find_endpoint(const std::string& endpoint_id) override {
    query q{sql_.find_endpoint, "find_endpoint"};
    q.bind_text(endpoint_id);
    if (!q.step())
      return std::nullopt;
    return read_endpoint(q);
  }

  std::vector<std::string> endpoints_with_pending() override {
    query q{sql_.endpoints_with_pending, "endpoints_with_pending"};
    return read_all(q, [](query& row) { return row.column_text(); });
  }

  std::vector<delivery_record> load_pending(const std::string& endpoint_id) override {
    query q{sql_.load_pending, "load_pending"};
    q.bind_text(endpoint_id);
    return read_all(q, read_delivery);
  }

  std::vector<std::pair<std::int64_t, std::string>>
  load_payloads(std::span<const std::int64_t> message_seqs) override {
    std::vector<std::int64_t> seqs(message_seqs.begin(), message_seqs.end());
    std::sort(seqs.begin(), seqs.end());
    seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
    std::vector<std::pair<std::int64_t, std::string>> result;
    result.reserve(seqs.size());
    for (std::size_t first = 0; first < seqs.size(); first += payload_chunk)
      load_payload_chunk(std::span{seqs}.subspan(first), result);
    return result;
  }

  std::vector<endpoint_record> list_endpoints(const std::string& after_id,
                                              std::size_t limit) override {
    query q{sql_.list_endpoints, "list_endpoints"};
    q.bind_text(after_id).bind_int(sql_limit(limit)); // every id sorts after ''
    return read_all(q, read_endpoint);
  }

  std::vector<std::pair<std::string, endpoint_stats>>
  stats_of(std::span<const std::string> endpoint_ids, time_point since) override {
    constexpr std::string_view op = "stats_of";
    std::vector<std::pair<std::string, endpoint_stats>> result;
    result.reserve(endpoint_ids.size());
    for (const auto& id : endpoint_ids) {
      endpoint_stats st;
      {
        // One statement, so the three figures come from one snapshot even outside begin().
        query q{sql_.delivery_counts, op};
        q.bind_text(id);
        if (q.step()) {
          st.pending = q.column_int();
          st.failed = q.column_int();
          auto total = q.column_int() + unflushed_total(id);
          st.delivered = total - st.pending - st.failed;
        }
      }
      query q{sql_.attempt_counts, op};
      q.bind_text(id);
      if (since == no_time)
        q.bind_int(std::numeric_limits<std::int64_t>::min()); // every attempt
      else
        q.bind_time(since);
      if (q.step()) {
        st.attempts_succeeded = q.column_int();
        st.attempts_failed = q.column_int();
      }
      result.emplace_back(id, st);
    }
    return result;
  }

  std::optional<idempotency_record> find_idempotency(const std::string& key) override {
    query q{sql_.find_idempotency, "find_idempotency"};
    q.bind_text(key);
    if (!q.step())
      return std::nullopt;
    return read_idempotency(q);
  }

  store_counts counts(time_point now) override {
    constexpr std::string_view op = "counts";
    store_counts c;
    {
      using namespace std::chrono;
      query q{sql_.pending_counts, op};
      q.bind_time(now).bind_time(now + minutes{1}).bind_time(now + minutes{10}).bind_time(now + hours{1});
      if (q.step()) {
        c.pending = q.column_int();
        for (auto& bucket : c.pending_by_due)
          bucket = q.column_int();
      }
    }
    query q{sql_.endpoint_counts, op};
    if (q.step()) {
      c.endpoints_enabled = q.column_int();
      c.endpoints_disabled = q.column_int();
    }
    return c;
  }

  std::optional<message_record> find_message(const std::string& message_id) override {
    query q{sql_.find_message, "find_message"};
    q.bind_text(message_id);
    if (!q.step())
      return std::nullopt;
    return read_message(q);
  }

  std::vector<delivery_record> deliveries_of(std::int64_t message_seq) override {
    query q{sql_.deliveries_of, "deliveries_of"};
    q.bind_int(message_seq);
    return read_all(q, read_delivery);
  }

  std::vector<attempt_record> attempts_of(const std::string& message_id) override {
    query q{sql_.attempts_of, "attempts_of"};
    q.bind_text(message_id);
    return read_all(q, read_attempt);
  }

private:
  /// Refuses writes on a reader and writes into a transaction that can no longer commit.
  void check_writable(std::string_view op) const {
    if (read_only_)
      throw error(std::string{op} + ": this store instance is read-only (database " + db_.path() +
                  ")");
    check_usable(op);
  }

  /// A transaction is unusable once SQLite rolled it back by itself (disk full, I/O error: a
  /// further write would silently autocommit) or a write call failed half-way (atomically()).
  void check_usable(std::string_view op) const {
    if (explicit_transaction_ && !db_.in_transaction())
      throw error(std::string{op} +
                  ": SQLite rolled back the transaction after an earlier "
                  "failure; call rollback() and start again (database " +
                  db_.path() + ")");
    if (!broken_because_.empty())
      throw error(std::string{op} + ": an earlier write failed after writing part of its rows (" +
                  broken_because_ + "); call rollback() and start again");
  }

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
    query{sql_.begin, op}.run();
    try {
      body();
      flush_totals(op);
      query{sql_.commit, op}.run();
    } catch (...) {
      totals_delta_.clear();
      db_.rollback_quietly();
      throw;
    }
  }

  /// Writes the transaction's changes to delivery_totals (just before its COMMIT). Summing them
  /// here rather than per row keeps the insert path at a few statements per commit.
  void flush_totals(std::string_view op) {
    for (const auto& [endpoint_id, n] : totals_delta_) {
      if (n == 0)
        continue;
      query q{sql_.add_delivery_totals, op};
      q.bind_text(endpoint_id).bind_int(n);
      q.run();
    }
    totals_delta_.clear();
  }

  /// This transaction's not yet flushed change to the endpoint's delivery total.
  std::int64_t unflushed_total(const std::string& endpoint_id) const {
    auto it = totals_delta_.find(endpoint_id);
    return it == totals_delta_.end() ? 0 : it->second;
  }

  static time_point initial_update_time(const message_record& msg, const delivery_record& d) {
    return d.updated_at == no_time ? msg.created_at : d.updated_at;
  }

  /// Throws kind missing when the endpoint does not exist, kind disabled when it is disabled.
  void require_enabled(const std::string& endpoint_id, std::string_view op) {
    query q{sql_.find_endpoint, op};
    q.bind_text(endpoint_id);
    if (!q.step())
      throw error(std::string{op} + ": no endpoint " + endpoint_id, error::kind::missing);
    if (read_endpoint(q).status != endpoint_status::enabled)
      throw error(std::string{op} + ": endpoint " + endpoint_id + " is disabled",
                  error::kind::disabled);
  }

  std::int64_t insert_delivery(std::int64_t message_seq, const delivery_record& d,
                               time_point updated_at) {
    query q{sql_.insert_delivery, "insert_message"};
    q.bind_int(message_seq).bind_text(d.endpoint_id);
    bind_delivery_state(q, d, updated_at);
    q.run();
    return db_.changes() == 0 ? 0 : db_.last_insert_rowid();
  }

  /// Applies `d` to a pending delivery; a delivery no longer pending stays as it is. Throws
  /// (kind missing, nothing written) when no such delivery exists.
  void apply_update(const delivery_update& d, std::string_view op) {
    {
      query q{sql_.update_delivery, op};
      bind_delivery_state(q, d, d.at);
      q.bind_int(d.delivery_id);
      q.run();
      if (db_.changes() > 0)
        return;
    }
    query q{sql_.delivery_exists, op};
    q.bind_int(d.delivery_id);
    if (!q.step())
      throw error(std::string{op} + ": no delivery with id " + std::to_string(d.delivery_id) +
                      " (database " + db_.path() + ")",
                  error::kind::missing);
  }

  std::size_t fail_pending_rows(const std::string& endpoint_id, failure_reason reason,
                                time_point at, std::string_view op) {
    query q{sql_.fail_pending, op};
    q.bind_int(encode(reason)).bind_time(at).bind_text(endpoint_id);
    q.run();
    return changed_rows();
  }

  /// Reads the payloads of up to `payload_chunk` seqs from the front of `seqs`.
  void load_payload_chunk(std::span<const std::int64_t> seqs,
                          std::vector<std::pair<std::int64_t, std::string>>& out) {
    query q{sql_.load_payloads, "load_payloads"};
    for (std::size_t i = 0; i < payload_chunk; ++i)
      q.bind_int(seqs[std::min(i, seqs.size() - 1)]);
    while (q.step()) {
      auto seq = q.column_int();
      out.emplace_back(seq, q.column_blob());
    }
  }

  std::size_t changed_rows() const { return static_cast<std::size_t>(db_.changes()); }

  std::unique_ptr<sqlite::process_lock> lock_; // taken before the file is opened, freed last
  store_connection db_; // destroyed after the statements that use it
  bool read_only_;
  statements sql_;
  bool explicit_transaction_ = false;
  std::string broken_because_; ///< why the open transaction can only be rolled back
  /// Deliveries added (+) or purged (-) per endpoint by the open transaction, not yet in
  /// delivery_totals: flush_totals writes them just before COMMIT; a rollback drops them.
  std::map<std::string, std::int64_t, std::less<>> totals_delta_;
  std::unique_ptr<sqlite::wal_limit> wal_limit_;       ///< writer only (background_checkpoint)
  std::unique_ptr<sqlite::checkpointer> checkpointer_; ///< writer only (background_checkpoint)
};

} // namespace

std::unique_ptr<store> open_sqlite_store(const std::string& path, const sqlite_options& options) {
  create_parent_directories(path);
  return std::make_unique<sqlite_store>(path, options);
}

} // namespace hookd::store

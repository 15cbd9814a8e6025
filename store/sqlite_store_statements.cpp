#include "store/sqlite_store_statements.hpp"

#include "store/record_columns.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

namespace hookd::store::sqlite {
namespace {

// Status literals are the codes of store/enum_codes.hpp (deliveries: 0 pending, 2 failed;
// endpoints: 0 enabled; attempts: 0 success, 1 failure, 2 permanent): SQLite picks a partial
// index only for a literal that matches its WHERE clause.

using columns::delivery_select;
constexpr const char* endpoint_columns = columns::endpoint_list;
/// One placeholder per column of endpoint_list (20).
constexpr const char* endpoint_placeholders = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";

/// The oldest ?2 messages created before ?1 none of whose deliveries is pending
/// (messages_by_created_at holds (created_at, seq) in order: no sort).
constexpr const char* finished_messages_sql =
    "SELECT m.seq FROM messages m WHERE m.created_at < ?1 AND NOT EXISTS "
    "(SELECT 1 FROM deliveries p WHERE p.message_seq = m.seq AND p.status = 0) "
    "ORDER BY m.created_at, m.seq LIMIT ?2";

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

} // namespace

statements::statements(connection& db, bool read_only)
    : begin{db, read_only ? "BEGIN" : "BEGIN IMMEDIATE"}, commit{db, "COMMIT"},
      rollback{db, "ROLLBACK"},
      insert_message{db, "INSERT INTO messages (id, event_type, payload, created_at, "
                         "application_id, event_id, channels, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"},
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
      // An upsert on the id, not INSERT OR REPLACE: REPLACE would delete another endpoint
      // whose uid this one takes (endpoints_by_uid) instead of refusing the write.
      put_endpoint{db, cat({"INSERT INTO endpoints (", endpoint_columns, ") VALUES (",
                            endpoint_placeholders, ") ON CONFLICT (id) DO UPDATE SET (",
                            endpoint_columns, ") = (",
                            columns::prefixed_columns("excluded.", endpoint_columns), ")"})},
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
                          "uid = CASE WHEN ?3 & 256 THEN ?12 ELSE uid END, "
                          "headers = CASE WHEN ?3 & 512 THEN ?13 ELSE headers END, "
                          "metadata = CASE WHEN ?3 & 1024 THEN ?14 ELSE metadata END, "
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
      requeue_delivery{db, "UPDATE deliveries SET status = 0, reason = 0, next_attempt_at = ?1, "
                           "updated_at = ?1 WHERE message_seq = ?2 AND endpoint_id = ?3 AND "
                           "status <> 0 AND EXISTS (SELECT 1 FROM endpoints e WHERE e.id = ?3 "
                           "AND e.status = 0)"},
      pending_of_message{
          db, cat({delivery_select, "WHERE d.message_seq = ? AND d.status = 0 ORDER BY d.id"})},
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
      // Each count reads one index: the partial ones for pending and failed.
      delivery_counts{db, "SELECT (SELECT count(*) FROM deliveries WHERE endpoint_id = ?1 AND "
                          "status = 0), (SELECT count(*) FROM deliveries WHERE endpoint_id = ?1 "
                          "AND status = 2), (SELECT deliveries FROM delivery_totals WHERE "
                          "endpoint_id = ?1)"},
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
      load_pending{db, cat({delivery_select, "WHERE d.endpoint_id = ? AND d.status = 0 "
                                              "ORDER BY d.next_attempt_at, d.id"})},
      load_payloads{db, payload_query()},
      find_message{db, cat({"SELECT ", columns::message_list, " FROM messages WHERE id = ?"})},
      deliveries_of{db, cat({delivery_select, "WHERE d.message_seq = ? ORDER BY d.id"})},
      attempts_of{db, columns::attempts_of_message},
      // Newest first along the rowid: no index; the caller stops the scan.
      recent_attempts{db, "SELECT endpoint_id, at, outcome FROM attempts ORDER BY seq DESC"},
      insert_application{db, cat({"INSERT INTO applications (", columns::application_list,
                                  ") VALUES (?, ?, ?, ?, ?, ?, ?)"})},
      update_application{db, "UPDATE applications SET uid = ?2, name = ?3, rate_limit = ?4, "
                             "metadata = ?5, updated_at = ?6 WHERE id = ?1"},
      delete_application{db, "DELETE FROM applications WHERE id = ?"},
      find_application{db, cat({"SELECT ", columns::application_list,
                                " FROM applications WHERE id = ?"})},
      find_application_by_uid{db, cat({"SELECT ", columns::application_list,
                                       " FROM applications WHERE uid = ?"})},
      list_applications{db, cat({"SELECT ", columns::application_list,
                                 " FROM applications WHERE id > ? ORDER BY id LIMIT ?"})},
      list_application_endpoints{
          db, cat({"SELECT ", endpoint_columns, " FROM endpoints WHERE application_id = ? AND "
                   "id > ? ORDER BY id LIMIT ?"})},
      find_endpoint_by_uid{db, cat({"SELECT ", endpoint_columns,
                                    " FROM endpoints WHERE application_id = ? AND uid = ?"})},
      find_attempt{db, "SELECT a.seq, a.delivery_id, m.id, a.endpoint_id, a.at, a.outcome, "
                       "a.status_code, a.elapsed_ms, a.error, a.error_detail, a.response_body "
                       "FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN "
                       "messages m ON m.seq = d.message_seq WHERE a.seq = ?"},
      put_event_type{db, cat({"INSERT INTO event_types (", columns::event_type_list,
                              ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                              "description = excluded.description, archived = excluded.archived, "
                              "deprecated = excluded.deprecated, schemas = excluded.schemas, "
                              "updated_at = excluded.updated_at"})},
      find_event_type{db, cat({"SELECT ", columns::event_type_list,
                               " FROM event_types WHERE name = ?"})},
      list_event_types{db, cat({"SELECT ", columns::event_type_list,
                                " FROM event_types WHERE name > ? ORDER BY name LIMIT ?"})},
      // Each endpoint's pending and failed from the partial indexes, its total from
      // delivery_totals (as delivery_counts does for one endpoint).
      counts_by_application{
          db, "SELECT e.application_id, coalesce(sum(e.status = 0), 0), coalesce(sum(e.status = 1), 0), "
              "coalesce(sum((SELECT count(*) FROM deliveries d WHERE d.endpoint_id = e.id AND "
              "d.status = 0)), 0), coalesce(sum((SELECT count(*) FROM deliveries d WHERE "
              "d.endpoint_id = e.id AND d.status = 2)), 0), coalesce(sum((SELECT t.deliveries FROM "
              "delivery_totals t WHERE t.endpoint_id = e.id)), 0) FROM endpoints e WHERE "
              "e.application_id IS NOT NULL GROUP BY e.application_id ORDER BY e.application_id"},
      max_message_seq{db, "SELECT coalesce(max(seq), 0) FROM messages"},
      max_attempt_seq{db, "SELECT coalesce(max(seq), 0) FROM attempts"},
      insert_source{db, cat({"INSERT INTO sources (", columns::source_list,
                             ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"})},
      update_source{db, "UPDATE sources SET name = ?2, kind = ?3, secret = ?4, previous_secret = ?5, "
                        "previous_secret_expires_at = ?6, event_type_from = ?7, updated_at = ?8 "
                        "WHERE id = ?1"},
      delete_source{db, "DELETE FROM sources WHERE id = ?"},
      find_source{db, cat({"SELECT ", columns::source_list, " FROM sources WHERE id = ?"})},
      list_sources{db, cat({"SELECT ", columns::source_list,
                            " FROM sources WHERE id > ? ORDER BY id LIMIT ?"})} {}

} // namespace hookd::store::sqlite

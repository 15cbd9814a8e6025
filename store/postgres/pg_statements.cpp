#include "store/postgres/pg_statements.hpp"

#include "store/postgres/pg_connection.hpp"
#include "store/record_columns.hpp"

#include <array>
#include <string>
#include <utility>

namespace hookd::store::pg {
namespace {

using columns::delivery_select;
using columns::endpoint_list;

// Status literals are the codes of store/enum_codes.hpp (deliveries: 0 pending, 1 delivered,
// 2 failed; endpoints: 0 enabled): the partial indexes are used only for a literal that
// matches their WHERE clause.

/// The delivery state columns after `SET`, from $1..$8 (columns::bind_delivery_state).
constexpr const char* set_delivery_state =
    "status = $1, reason = $2, attempts = $3, first_attempt_at = $4, next_attempt_at = $5, "
    "last_status_code = $6, last_error = $7, updated_at = $8";

/// Only a pending delivery changes: a late attempt result never revives a delivery that was
/// failed (delete, exhausted) or finished meanwhile. One exception: a success ($1 = 1,
/// delivered) of an attempt that was out when its endpoint was disabled is recorded, turning
/// failed/endpoint_disabled (2/2) into delivered: the receiver did get it.
constexpr const char* only_pending = "(status = 0 OR ($1 = 1 AND status = 2 AND reason = 2))";

std::string cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts)
    s += p;
  return s;
}

std::array<std::string, static_cast<std::size_t>(stmt::count_)> sql_of() {
  std::array<std::string, static_cast<std::size_t>(stmt::count_)> a;
  auto set = [&a](stmt s, std::string sql) { a[static_cast<std::size_t>(s)] = std::move(sql); };

  // The message and its deliveries in one statement. $1-$4 the message; $5-$13 one array per
  // delivery column (columns::bind_delivery_state's order, endpoint id first); $15-$17 the
  // message's application, event id and channels, $18 its source (NULL: none). A duplicate
  // message id, or an event id its application (or source) has already, inserts nothing and returns no row (no error: the
  // transaction stays usable).
  // A delivery is inserted only when its endpoint exists and is enabled at that point of the
  // transaction. One row per inserted delivery (its id and endpoint), or one row with a NULL
  // delivery id when none was. With $14 (the message names its endpoints) nothing is written
  // unless every one of them exists and is enabled: the store checks them in a statement of
  // its own (named_endpoints) just before, whose answer may come only later (a pipeline).
  // The endpoint check is a scalar subquery, always one primary-key look-up per delivery: as
  // EXISTS, a generic plan made while the endpoints table looked empty (stale statistics)
  // hash-joined a sequential scan of every endpoint, per message.
  set(stmt::insert_message,
      "WITH m AS (INSERT INTO messages (id, event_type, payload, created_at, application_id, "
      "event_id, channels, source_id) SELECT $1::text, $2::text, $3::bytea, $4::bigint, $15::text, "
      "$16::text, $17::text, $18::text WHERE NOT $14::boolean OR NOT EXISTS "
      "(SELECT 1 FROM unnest($5::text[]) AS n (id) WHERE (SELECT e.status FROM endpoints e "
      "WHERE e.id = n.id) IS DISTINCT FROM 0) ON CONFLICT DO NOTHING RETURNING seq), "
      "x AS (SELECT * FROM unnest($5::text[], $6::smallint[], $7::smallint[], $8::integer[], "
      "$9::bigint[], $10::bigint[], $11::integer[], $12::smallint[], $13::bigint[]) "
      "WITH ORDINALITY AS x (endpoint_id, status, reason, attempts, first_attempt_at, "
      "next_attempt_at, last_status_code, last_error, updated_at, ord)), "
      "d AS (INSERT INTO deliveries (message_seq, endpoint_id, status, reason, attempts, "
      "first_attempt_at, next_attempt_at, last_status_code, last_error, updated_at) "
      "SELECT m.seq, x.endpoint_id, x.status, x.reason, x.attempts, x.first_attempt_at, "
      "x.next_attempt_at, x.last_status_code, x.last_error, x.updated_at FROM m CROSS JOIN x "
      "WHERE (SELECT e.status FROM endpoints e WHERE e.id = x.endpoint_id) = 0 "
      "ORDER BY x.ord RETURNING id, endpoint_id) "
      "SELECT m.seq, d.id, d.endpoint_id FROM m LEFT JOIN d ON true ORDER BY d.id");
  // Cluster mode, a message for every subscriber: the message ($1-$4), and one pending delivery
  // for each enabled endpoint of its application ($7, NULL: none) subscribed to its event type
  // ($2) in the endpoints table at that point of the transaction, whichever node wrote it, but
  // $5 (the alert sink), all due at once ($4), updated_at $6; $8, $9 the event id and channels,
  // $10 the source (a source's message has no application: it goes to endpoints of none).
  // Rows as insert_message's. The two partial indexes of schema version 3 find the subscribers.
  set(stmt::insert_message_fanout,
      "WITH m AS (INSERT INTO messages (id, event_type, payload, created_at, application_id, "
      "event_id, channels, source_id) VALUES ($1, $2, $3, $4, $7, $8, $9, $10) ON CONFLICT DO "
      "NOTHING "
      "RETURNING seq), "
      "x AS (SELECT id FROM endpoints WHERE status = 0 AND "
      "(event_types::jsonb) @> jsonb_build_array($2::text) AND id <> $5 AND "
      "application_id IS NOT DISTINCT FROM $7::text "
      "UNION SELECT id FROM endpoints WHERE status = 0 AND event_types = '[]' AND id <> $5 AND "
      "application_id IS NOT DISTINCT FROM $7::text), "
      "d AS (INSERT INTO deliveries (message_seq, endpoint_id, status, reason, attempts, "
      "first_attempt_at, next_attempt_at, last_status_code, last_error, updated_at) "
      "SELECT m.seq, x.id, 0, 0, 0, NULL, $4, 0, 0, $6 FROM m CROSS JOIN x ORDER BY x.id "
      "RETURNING id, endpoint_id) "
      "SELECT m.seq, d.id, d.endpoint_id FROM m LEFT JOIN d ON true ORDER BY d.id");
  // The status of each named endpoint ($1 ids); NULL for one that does not exist.
  // (A primary-key look-up each, whatever the statistics say, as in insert_message.)
  set(stmt::named_endpoints, "SELECT x.id, (SELECT e.status FROM endpoints e WHERE e.id = x.id) "
                             "FROM unnest($1::text[]) AS x (id)");
  set(stmt::put_idempotency, "INSERT INTO idempotency_keys (key, request_hash, message_id, "
                             "created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING");
  // The attempt and its delivery's new state in one statement: $1-$8 the state, $9 the
  // delivery, $10-$16 the attempt. No row when the delivery does not exist (nothing written);
  // else the attempt's seq. The attempt copies the delivery's endpoint id.
  set(stmt::record_attempt,
      cat({"WITH u AS (UPDATE deliveries SET ", set_delivery_state, " WHERE id = $9 AND ",
           only_pending, " RETURNING id), "
           "a AS (INSERT INTO attempts (delivery_id, endpoint_id, at, outcome, status_code, "
           "elapsed_ms, error, error_detail, response_body) SELECT id, endpoint_id, $10::bigint, "
           "$11::smallint, $12::integer, $13::bigint, $14::smallint, $15::text, $16::bytea "
           "FROM deliveries WHERE id = $9 RETURNING seq) "
           "SELECT a.seq, (SELECT count(*) FROM u) FROM a"}));
  // Rows changed, and whether the delivery exists at all.
  constexpr std::string_view changed_and_exists =
      " RETURNING id) SELECT (SELECT count(*) FROM u), EXISTS (SELECT 1 FROM deliveries WHERE "
      "id = $9)";
  set(stmt::update_delivery, cat({"WITH u AS (UPDATE deliveries SET ", set_delivery_state,
                                  " WHERE id = $9 AND ", only_pending, changed_and_exists}));
  // Nothing is written, and no row returned, when another endpoint of the application has the
  // uid ($17, $18): checked first so that the transaction stays usable.
  set(stmt::put_endpoint,
      cat({"INSERT INTO endpoints (", endpoint_list, ") SELECT $1, $2, $3, $4, $5, $6, $7, $8, "
           "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20 WHERE $18::text IS NULL OR "
           "NOT EXISTS (SELECT 1 FROM endpoints o WHERE o.application_id = $17::text AND "
           "o.uid = $18::text AND o.id <> $1::text) ON CONFLICT (id) DO UPDATE SET url = "
           "excluded.url, description = excluded.description, event_types = "
           "excluded.event_types, secret = excluded.secret, previous_secret = "
           "excluded.previous_secret, previous_secret_expires_at = "
           "excluded.previous_secret_expires_at, signature_scheme = excluded.signature_scheme, "
           "rate_limit_per_s = excluded.rate_limit_per_s, max_concurrency = "
           "excluded.max_concurrency, timeout_ms = excluded.timeout_ms, status = "
           "excluded.status, disabled_reason = excluded.disabled_reason, failing_since = "
           "excluded.failing_since, created_at = excluded.created_at, updated_at = "
           "excluded.updated_at, application_id = excluded.application_id, uid = excluded.uid, "
           "headers = excluded.headers, metadata = excluded.metadata RETURNING 1"}));
  // $3 holds the endpoint_field bits: each named column takes its parameter, the others keep
  // what is stored now. SET expressions read the row as it was before the UPDATE, so the
  // previous secret is cleared only when the secret really changes.
  set(stmt::update_endpoint,
      cat({"UPDATE endpoints SET "
           "url = CASE WHEN $3::integer & 1 <> 0 THEN $4 ELSE url END, "
           "description = CASE WHEN $3 & 2 <> 0 THEN $5 ELSE description END, "
           "event_types = CASE WHEN $3 & 4 <> 0 THEN $6 ELSE event_types END, "
           "signature_scheme = CASE WHEN $3 & 8 <> 0 THEN $7::smallint ELSE signature_scheme END, "
           "rate_limit_per_s = CASE WHEN $3 & 16 <> 0 THEN $8::double precision "
           "ELSE rate_limit_per_s END, "
           "max_concurrency = CASE WHEN $3 & 32 <> 0 THEN $9::integer ELSE max_concurrency END, "
           "timeout_ms = CASE WHEN $3 & 64 <> 0 THEN $10::integer ELSE timeout_ms END, "
           "secret = CASE WHEN $3 & 128 <> 0 THEN $11 ELSE secret END, "
           "previous_secret = CASE WHEN $3 & 128 <> 0 AND $11 <> secret THEN '' "
           "ELSE previous_secret END, "
           "previous_secret_expires_at = CASE WHEN $3 & 128 <> 0 AND $11 <> secret THEN NULL "
           "ELSE previous_secret_expires_at END, "
           "uid = CASE WHEN $3 & 256 <> 0 THEN $12 ELSE uid END, "
           "headers = CASE WHEN $3 & 512 <> 0 THEN $13 ELSE headers END, "
           "metadata = CASE WHEN $3 & 1024 <> 0 THEN $14 ELSE metadata END, "
           "updated_at = $2 WHERE id = $1 AND ($3 & 256 = 0 OR $12::text IS NULL OR NOT EXISTS "
           "(SELECT 1 FROM endpoints o WHERE o.application_id = endpoints.application_id AND "
           "o.uid = $12::text AND o.id <> $1)) RETURNING ",
           endpoint_list}));
  set(stmt::rotate_secret,
      cat({"UPDATE endpoints SET previous_secret = secret, previous_secret_expires_at = $1, "
           "secret = $2, updated_at = $3 WHERE id = $4 RETURNING ",
           endpoint_list}));
  set(stmt::set_endpoint_status, "UPDATE endpoints SET status = $1, disabled_reason = $2, "
                                 "updated_at = $3 WHERE id = $4");
  set(stmt::set_failing_since, "UPDATE endpoints SET failing_since = $1 WHERE id = $2");
  set(stmt::fail_pending, "UPDATE deliveries SET status = 2, reason = $1, next_attempt_at = NULL, "
                          "updated_at = $2 WHERE endpoint_id = $3 AND status = 0");
  // Its pending deliveries fail first ($2 the reason code), then the row goes: how many failed,
  // and whether the row existed.
  set(stmt::delete_endpoint,
      "WITH f AS (UPDATE deliveries SET status = 2, reason = $2, next_attempt_at = NULL, "
      "updated_at = $3 WHERE endpoint_id = $1 AND status = 0 RETURNING 1), "
      "e AS (DELETE FROM endpoints WHERE id = $1 RETURNING 1) "
      "SELECT (SELECT count(*) FROM f), (SELECT count(*) FROM e)");
  set(stmt::requeue_failed,
      "UPDATE deliveries d SET status = 0, reason = 0, attempts = 0, first_attempt_at = NULL, "
      "next_attempt_at = $1, updated_at = $1 FROM messages m WHERE m.seq = d.message_seq AND "
      "d.endpoint_id = $2 AND d.status = 2 AND m.created_at >= $3");
  set(stmt::requeue_message,
      "UPDATE deliveries d SET status = 0, reason = 0, next_attempt_at = $1, updated_at = $1 "
      "WHERE d.message_seq = $2 AND d.status = 2 AND EXISTS (SELECT 1 FROM endpoints e "
      "WHERE e.id = d.endpoint_id AND e.status = 0)");
  set(stmt::requeue_delivery,
      "UPDATE deliveries d SET status = 0, reason = 0, next_attempt_at = $1, updated_at = $1 "
      "WHERE d.message_seq = $2 AND d.endpoint_id = $3 AND d.status <> 0 AND EXISTS (SELECT 1 "
      "FROM endpoints e WHERE e.id = $3 AND e.status = 0)");
  set(stmt::pending_of_message,
      cat({delivery_select, "WHERE d.message_seq = $1 AND d.status = 0 ORDER BY d.id"}));
  // $1 endpoint ids in order, $2 the change of each: rows are locked in id order, so two
  // transactions adding to the same endpoints cannot deadlock.
  set(stmt::add_delivery_totals,
      "INSERT INTO delivery_totals (endpoint_id, deliveries) SELECT * FROM "
      "unnest($1::text[], $2::bigint[]) ON CONFLICT (endpoint_id) DO UPDATE SET deliveries = "
      "delivery_totals.deliveries + excluded.deliveries");
  // The oldest $2 messages created before $1 none of whose deliveries is pending.
  set(stmt::finished_messages,
      "SELECT m.seq FROM messages m WHERE m.created_at < $1 AND NOT EXISTS (SELECT 1 FROM "
      "deliveries p WHERE p.message_seq = m.seq AND p.status = 0) ORDER BY m.created_at, m.seq "
      "LIMIT $2");
  set(stmt::purge_attempts, "DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM "
                            "deliveries WHERE message_seq = ANY ($1::bigint[]))");
  set(stmt::purge_deliveries,
      "DELETE FROM deliveries WHERE message_seq = ANY ($1::bigint[]) RETURNING endpoint_id");
  set(stmt::purge_messages, "DELETE FROM messages WHERE seq = ANY ($1::bigint[])");
  set(stmt::purge_idempotency, "DELETE FROM idempotency_keys WHERE created_at < $1");
  set(stmt::load_endpoints,
      cat({"SELECT ", endpoint_list, " FROM endpoints ORDER BY created_at, id"}));
  set(stmt::find_endpoint, cat({"SELECT ", endpoint_list, " FROM endpoints WHERE id = $1"}));
  set(stmt::list_endpoints,
      cat({"SELECT ", endpoint_list, " FROM endpoints WHERE id > $1 ORDER BY id LIMIT $2"}));
  // Per id of $1: pending, failed (each from its partial index) and the delivery total.
  set(stmt::delivery_counts,
      "SELECT x.id, (SELECT count(*) FROM deliveries WHERE endpoint_id = x.id AND status = 0), "
      "(SELECT count(*) FROM deliveries WHERE endpoint_id = x.id AND status = 2), "
      "(SELECT deliveries FROM delivery_totals WHERE endpoint_id = x.id) "
      "FROM unnest($1::text[]) WITH ORDINALITY AS x (id, ord) ORDER BY x.ord");
  set(stmt::find_idempotency, "SELECT key, request_hash, message_id, created_at FROM "
                              "idempotency_keys WHERE key = $1");
  set(stmt::pending_counts,
      "SELECT count(*), count(*) FILTER (WHERE next_attempt_at <= $1), "
      "count(*) FILTER (WHERE next_attempt_at > $1 AND next_attempt_at <= $2), "
      "count(*) FILTER (WHERE next_attempt_at > $2 AND next_attempt_at <= $3), "
      "count(*) FILTER (WHERE next_attempt_at > $3 AND next_attempt_at <= $4), "
      "count(*) FILTER (WHERE next_attempt_at > $4) FROM deliveries WHERE status = 0");
  set(stmt::endpoint_counts, "SELECT count(*) FILTER (WHERE status = 0), "
                             "count(*) FILTER (WHERE status = 1) FROM endpoints");
  set(stmt::endpoints_with_pending, "SELECT DISTINCT endpoint_id FROM deliveries WHERE "
                                    "status = 0 ORDER BY endpoint_id");
  set(stmt::load_pending, cat({delivery_select, "WHERE d.endpoint_id = $1 AND d.status = 0 "
                                                "ORDER BY d.next_attempt_at, d.id"}));
  set(stmt::load_payloads,
      "SELECT seq, payload FROM messages WHERE seq = ANY ($1::bigint[]) ORDER BY seq");
  set(stmt::find_message, cat({"SELECT ", columns::message_list, " FROM messages WHERE id = $1"}));
  set(stmt::deliveries_of, cat({delivery_select, "WHERE d.message_seq = $1 ORDER BY d.id"}));
  // By message (deliveries_by_message), then keeping the pending ones: "status + 0" keeps the
  // planner off deliveries_pending, whose whole range it would otherwise scan and AND in.
  set(stmt::pending_of_messages, cat({delivery_select, "WHERE d.message_seq = ANY ($1::bigint[]) "
                                                        "AND d.status + 0 = 0 ORDER BY d.message_seq, d.id"}));
  set(stmt::attempts_of, columns::attempts_of_message);
  // Newest first along the primary key, one page ($2 rows) before seq $1 at a time.
  set(stmt::recent_attempts, "SELECT seq, endpoint_id, at, outcome FROM attempts WHERE seq < $1 "
                             "ORDER BY seq DESC LIMIT $2");
  // Fencing: the tokens ($2 parts, $3 epochs) whose lease node $1 does not hold unexpired at
  // this instant (clock_timestamp, not the transaction's start). FOR SHARE keeps the held ones
  // from changing owner until this transaction ends; a claim committed first is seen (the row
  // is read again after it) and its partition comes back as not held.
  set(stmt::hold_leases,
      "WITH held AS (SELECT part, epoch FROM cluster_leases WHERE part = ANY ($2::integer[]) AND "
      "owner = $1 AND expires_at > clock_timestamp() FOR SHARE) "
      "SELECT x.part, x.epoch FROM unnest($2::integer[], $3::bigint[]) AS x (part, epoch) "
      "WHERE NOT EXISTS (SELECT 1 FROM held h WHERE h.part = x.part AND h.epoch = x.epoch)");
  // Applications: a taken id or uid inserts nothing and returns no row.
  set(stmt::insert_application,
      cat({"INSERT INTO applications (", columns::application_list, ") VALUES ($1, $2, $3, $4, "
           "$5, $6, $7) ON CONFLICT DO NOTHING RETURNING 1"}));
  // Whether the uid ($2) is another's, and how many rows changed (none when it is).
  set(stmt::update_application,
      "WITH c AS (SELECT $2::text IS NOT NULL AND EXISTS (SELECT 1 FROM applications WHERE "
      "uid = $2::text AND id <> $1::text) AS taken), u AS (UPDATE applications SET uid = $2, "
      "name = $3, rate_limit = $4, metadata = $5, updated_at = $6 WHERE id = $1 AND NOT "
      "(SELECT taken FROM c) RETURNING 1) SELECT (SELECT taken FROM c), (SELECT count(*) FROM u)");
  set(stmt::delete_application, "DELETE FROM applications WHERE id = $1");
  // Sources: a taken id inserts nothing and returns no row.
  set(stmt::insert_source, cat({"INSERT INTO sources (", columns::source_list, ") VALUES ($1, $2, "
                                "$3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING 1"}));
  set(stmt::update_source,
      "UPDATE sources SET name = $2, kind = $3, secret = $4, previous_secret = $5, "
      "previous_secret_expires_at = $6, event_type_from = $7, updated_at = $8 WHERE id = $1");
  set(stmt::delete_source, "DELETE FROM sources WHERE id = $1");
  set(stmt::find_source, cat({"SELECT ", columns::source_list, " FROM sources WHERE id = $1"}));
  set(stmt::list_sources, cat({"SELECT ", columns::source_list,
                               " FROM sources WHERE id > $1 ORDER BY id LIMIT $2"}));
  set(stmt::find_application,
      cat({"SELECT ", columns::application_list, " FROM applications WHERE id = $1"}));
  set(stmt::find_application_by_uid,
      cat({"SELECT ", columns::application_list, " FROM applications WHERE uid = $1"}));
  set(stmt::list_applications, cat({"SELECT ", columns::application_list,
                                    " FROM applications WHERE id > $1 ORDER BY id LIMIT $2"}));
  set(stmt::list_application_endpoints,
      cat({"SELECT ", endpoint_list, " FROM endpoints WHERE application_id = $1 AND id > $2 "
           "ORDER BY id LIMIT $3"}));
  set(stmt::find_endpoint_by_uid, cat({"SELECT ", endpoint_list, " FROM endpoints WHERE "
                                       "application_id = $1 AND uid = $2"}));
  set(stmt::find_attempt,
      "SELECT a.seq, a.delivery_id, m.id, a.endpoint_id, a.at, a.outcome, a.status_code, "
      "a.elapsed_ms, a.error, a.error_detail, a.response_body FROM attempts a JOIN deliveries d "
      "ON d.id = a.delivery_id JOIN messages m ON m.seq = d.message_seq WHERE a.seq = $1");
  set(stmt::put_event_type,
      cat({"INSERT INTO event_types (", columns::event_type_list, ") VALUES ($1, $2, $3, $4, $5, "
           "$6, $7) ON CONFLICT (name) DO UPDATE SET description = excluded.description, "
           "archived = excluded.archived, deprecated = excluded.deprecated, schemas = "
           "excluded.schemas, updated_at = excluded.updated_at"}));
  set(stmt::find_event_type,
      cat({"SELECT ", columns::event_type_list, " FROM event_types WHERE name = $1"}));
  set(stmt::list_event_types, cat({"SELECT ", columns::event_type_list,
                                   " FROM event_types WHERE name > $1 ORDER BY name LIMIT $2"}));
  set(stmt::counts_by_application,
      "SELECT e.application_id, count(*) FILTER (WHERE e.status = 0), count(*) FILTER (WHERE "
      "e.status = 1), coalesce(sum((SELECT count(*) FROM deliveries d WHERE d.endpoint_id = e.id "
      "AND d.status = 0)), 0)::bigint, coalesce(sum((SELECT count(*) FROM deliveries d WHERE "
      "d.endpoint_id = e.id AND d.status = 2)), 0)::bigint, coalesce(sum((SELECT t.deliveries "
      "FROM delivery_totals t WHERE t.endpoint_id = e.id)), 0)::bigint FROM endpoints e WHERE "
      "e.application_id IS NOT NULL GROUP BY e.application_id ORDER BY e.application_id");
  set(stmt::max_message_seq, "SELECT coalesce(max(seq), 0) FROM messages");
  set(stmt::max_attempt_seq, "SELECT coalesce(max(seq), 0) FROM attempts");
  // One notification per payload of $2 on channel $1.
  set(stmt::notify, "SELECT pg_notify($1, x) FROM unnest($2::text[]) AS x");
  return a;
}

constexpr std::array names{
    "insert_message",     "insert_message_fanout", "named_endpoints",     "put_idempotency",   "record_attempt",
    "update_delivery",    "put_endpoint",        "update_endpoint",   "rotate_secret",
    "set_endpoint_status", "set_failing_since",  "fail_pending",      "delete_endpoint",
    "requeue_failed",     "requeue_message",     "pending_of_message", "add_delivery_totals",
    "finished_messages",  "purge_attempts",      "purge_deliveries",  "purge_messages",
    "purge_idempotency",  "load_endpoints",      "find_endpoint",     "list_endpoints",
    "delivery_counts",    "find_idempotency",    "pending_counts",    "endpoint_counts",
    "endpoints_with_pending", "load_pending",    "load_payloads",     "find_message",
    "deliveries_of",      "pending_of_messages", "attempts_of",         "recent_attempts",   "hold_leases",
    "notify", "insert_application", "update_application", "delete_application",
    "find_application", "find_application_by_uid", "list_applications",
    "list_application_endpoints", "find_endpoint_by_uid", "find_attempt", "max_message_seq",
    "max_attempt_seq", "put_event_type", "find_event_type", "list_event_types",
    "requeue_delivery", "counts_by_application", "insert_source", "update_source",
    "delete_source", "find_source", "list_sources"};
static_assert(names.size() == static_cast<std::size_t>(stmt::count_));

} // namespace

const char* name_of(stmt s) { return names[static_cast<std::size_t>(s)]; }

void prepare_statements(connection& db) {
  static const auto sql = sql_of();
  for (std::size_t i = 0; i < sql.size(); ++i)
    db.prepare(names[i], sql[i]);
}

} // namespace hookd::store::pg

#include "store/sqlite_schema.hpp"

#include "store/sqlite_statement.hpp"
#include "store/store.hpp"

#include <array>
#include <string>

namespace hookd::store::sqlite {
namespace {

// Version 1.
//
// Times are unix milliseconds (INTEGER); NULL means unset (no_time).
//
// Enums are small integers. The code of a value is its index in store/enum_codes.hpp:
//   delivery_status   0 pending, 1 delivered, 2 failed
//   failure_reason    0 none, 1 exhausted, 2 endpoint_disabled, 3 endpoint_deleted
//   attempt_outcome   0 success, 1 failure, 2 permanent
//   attempt_error     0 none, 1 http_status, 2 timeout, 3 connect_refused, 4 connect_failed,
//                     5 dns, 6 tls, 7 reset, 8 protocol, 9 forbidden_address, 10 invalid_url,
//                     11 unavailable, 12 local_resources
//   endpoint_status   0 enabled, 1 disabled
//   disabled_reason   0 none, 1 gone, 2 failing, 3 manual
//   signature_scheme  0 standard, 1 typeform
// Integers rather than names because delivery rows are written and rewritten tens of thousands
// of times a second: in a SQLite record 0 and 1 take no payload bytes and the other codes one,
// where the names take 4 to 17 bytes per column. Smaller rows mean fewer pages per commit.
//
// AUTOINCREMENT on messages, deliveries and attempts: their keys leave the store (message seqs
// are held by actors, "att_" ids by API clients), so they must never be reused, not even after
// purge_finished removed the newest rows. It also keeps them increasing, so the hot updates
// touch the most recent pages of the deliveries table.
//
// Attempts keep their delivery id and a copy of that delivery's endpoint id (written from the
// delivery row, never from the caller). Version 2 drops the index attempts_by_endpoint
// (endpoint_id, at, outcome), see below. The message id comes from the delivery. Deliveries keep the endpoint id as text without a foreign key:
// their history outlives a deleted endpoint.
//
// deliveries_pending and deliveries_failed are partial indexes: they stay as small as the
// work they index. SQLite uses one only when the query spells the same `status = N` literally.
//
// Delivery counts per endpoint (stats_of) without another index on the hot write path: pending
// and failed are counted in their partial indexes; delivery_totals holds how many rows of
// deliveries each endpoint has (insert_message adds, purge_finished subtracts, summed per
// transaction and written just before its COMMIT; updates never change it), so delivered =
// total - pending - failed, without reading the delivered history. An index on deliveries
// (endpoint_id, status) costs every insert and every update (status is in every UPDATE's SET
// list): +22-25% CPU per delivery (insert, attempt, update) in a paired micro-measurement, and
// its delivered count still reads every delivered row; delivery_totals cost no measurable CPU.
//
// idempotency_keys: the API's Idempotency-Key, written in the message's transaction; the key
// is the primary key, so a second insert of a key fails (the caller detects a race by that).
constexpr const char* schema_v1 = R"sql(
CREATE TABLE endpoints (
  id                         TEXT PRIMARY KEY NOT NULL,
  url                        TEXT NOT NULL,
  description                TEXT NOT NULL,
  event_types                TEXT NOT NULL,    -- JSON list of strings; [] = every type
  secret                     TEXT NOT NULL,
  previous_secret            TEXT NOT NULL,    -- '' outside a rotation
  previous_secret_expires_at INTEGER,
  signature_scheme           INTEGER NOT NULL,
  rate_limit_per_s           REAL NOT NULL,    -- 0 = unlimited
  max_concurrency            INTEGER NOT NULL,
  timeout_ms                 INTEGER NOT NULL, -- 0 = the configured default
  status                     INTEGER NOT NULL,
  disabled_reason            INTEGER NOT NULL,
  failing_since              INTEGER,
  created_at                 INTEGER,
  updated_at                 INTEGER
);

CREATE TABLE messages (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  id         TEXT NOT NULL UNIQUE,
  event_type TEXT NOT NULL,
  payload    BLOB NOT NULL,                    -- the bytes exactly as accepted
  created_at INTEGER NOT NULL
);
CREATE INDEX messages_by_created_at ON messages (created_at);

CREATE TABLE deliveries (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  message_seq      INTEGER NOT NULL REFERENCES messages (seq),
  endpoint_id      TEXT NOT NULL,
  status           INTEGER NOT NULL CHECK (status IN (0, 1, 2)),
  reason           INTEGER NOT NULL,
  attempts         INTEGER NOT NULL,
  first_attempt_at INTEGER,
  next_attempt_at  INTEGER,
  last_status_code INTEGER NOT NULL,
  last_error       INTEGER NOT NULL,
  updated_at       INTEGER
);
CREATE INDEX deliveries_by_message ON deliveries (message_seq);
CREATE INDEX deliveries_pending ON deliveries (endpoint_id, next_attempt_at) WHERE status = 0;
CREATE INDEX deliveries_failed ON deliveries (endpoint_id) WHERE status = 2;

CREATE TABLE attempts (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id   INTEGER NOT NULL REFERENCES deliveries (id),
  endpoint_id   TEXT NOT NULL,                 -- the delivery's, copied when the attempt is logged
  at            INTEGER,
  outcome       INTEGER NOT NULL,
  status_code   INTEGER NOT NULL,              -- 0 = no response
  elapsed_ms    INTEGER NOT NULL,
  error         INTEGER NOT NULL,
  error_detail  TEXT NOT NULL,
  response_body BLOB NOT NULL                  -- the first 4 KiB at most, bytes as received
);
CREATE INDEX attempts_by_delivery ON attempts (delivery_id);
CREATE INDEX attempts_by_endpoint ON attempts (endpoint_id, at, outcome);

CREATE TABLE delivery_totals (
  endpoint_id TEXT PRIMARY KEY NOT NULL,
  deliveries  INTEGER NOT NULL                 -- rows in deliveries with this endpoint_id
) WITHOUT ROWID;

CREATE TABLE idempotency_keys (
  key          TEXT PRIMARY KEY NOT NULL,
  request_hash TEXT NOT NULL,
  message_id   TEXT NOT NULL,
  created_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX idempotency_by_created_at ON idempotency_keys (created_at);
)sql";

// Version 2: the attempt log is append-only on the hot path. attempts_by_endpoint served each
// endpoint's success_rate_1h; with the endpoint id first, every attempt landed on a page of its
// own endpoint's, so each group commit wrote about 20 more pages (4 KiB each) of that index
// alone: 38 % of the bytes written to storage per delivery in the `throughput` benchmark.
// The rate now comes from memory (metrics/endpoint_windows.hpp), filled again at start-up
// from the log's last hour along its rowid.
constexpr const char* schema_v2 = R"sql(
DROP INDEX attempts_by_endpoint;
)sql";

// Version 3: applications (tenants, the Svix API's "app"). Endpoints and messages gain an
// optional application_id (NULL: none, as every row written before), endpoints a uid unique
// within their application, custom request headers (a JSON list of [name, value] pairs,
// store/header_list_json.hpp) and metadata (a JSON object as given); messages an event_id
// unique within their application and channels (a JSON list, as given; NULL: none). The
// event_types table is the Svix API's catalogue of event-type names (documentation only: a
// message may name a type that is not in it).
// Every new index is partial on the new columns being set, so rows without an application,
// the whole hot path before version 3, cost no more than they did: NULL columns at the end of
// a record take one header byte each and enter no index.
// messages_by_application serves an application's message list newest first; the message
// list's other filters (event type, endpoint, status, time) read a bounded stretch of seqs per
// page instead of an index of their own (store.hpp list_messages): an index on
// deliveries (endpoint_id, ...) or messages (event_type, ...) would cost every insert of the hot
// path, as attempts_by_endpoint did (version 2).
constexpr const char* schema_v3 = R"sql(
CREATE TABLE applications (
  id         TEXT PRIMARY KEY NOT NULL,
  uid        TEXT UNIQUE,                       -- NULL: none
  name       TEXT NOT NULL,
  rate_limit INTEGER NOT NULL,                  -- 0: none (stored, not enforced)
  metadata   TEXT NOT NULL,                     -- JSON object
  created_at INTEGER,
  updated_at INTEGER
);

ALTER TABLE endpoints ADD COLUMN application_id TEXT;
ALTER TABLE endpoints ADD COLUMN uid TEXT;
ALTER TABLE endpoints ADD COLUMN headers TEXT NOT NULL DEFAULT '[]';
ALTER TABLE endpoints ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
CREATE INDEX endpoints_by_application ON endpoints (application_id, id)
  WHERE application_id IS NOT NULL;
CREATE UNIQUE INDEX endpoints_by_uid ON endpoints (application_id, uid) WHERE uid IS NOT NULL;

ALTER TABLE messages ADD COLUMN application_id TEXT;
ALTER TABLE messages ADD COLUMN event_id TEXT;
ALTER TABLE messages ADD COLUMN channels TEXT;
CREATE INDEX messages_by_application ON messages (application_id, seq)
  WHERE application_id IS NOT NULL;
CREATE UNIQUE INDEX messages_by_event_id ON messages (application_id, event_id)
  WHERE event_id IS NOT NULL;

CREATE TABLE event_types (
  name        TEXT PRIMARY KEY NOT NULL,
  description TEXT NOT NULL,
  archived    INTEGER NOT NULL,
  deprecated  INTEGER NOT NULL,
  schemas     TEXT,                             -- JSON object; NULL: none
  created_at  INTEGER,
  updated_at  INTEGER
) WITHOUT ROWID;
)sql";

// Version 4: inbound sources (docs/inbound.md). A message posted to /in/{source} keeps the
// source's id and, in event_id, the sender's own id of the event (Typeform's event_id,
// X-GitHub-Delivery, ...), unique within the source: a sender's retry of a post hookd already
// stored inserts nothing. Both indexes are partial: messages from the API add nothing to them.
constexpr const char* schema_v4 = R"sql(
CREATE TABLE sources (
  id                         TEXT PRIMARY KEY NOT NULL,
  name                       TEXT NOT NULL,
  kind                       TEXT NOT NULL,    -- typeform, github, stripe, standard, token
  secret                     TEXT NOT NULL,
  previous_secret            TEXT NOT NULL,    -- '' outside a rotation
  previous_secret_expires_at INTEGER,
  event_type_from            TEXT NOT NULL,    -- a JSON Pointer; '' = the sender's type
  created_at                 INTEGER,
  updated_at                 INTEGER
);

ALTER TABLE messages ADD COLUMN source_id TEXT;
CREATE INDEX messages_by_source ON messages (source_id, seq) WHERE source_id IS NOT NULL;
CREATE UNIQUE INDEX messages_by_sender_id ON messages (source_id, event_id)
  WHERE source_id IS NOT NULL AND event_id IS NOT NULL;
)sql";

/// migrations[i] takes a database from version i to version i + 1.
constexpr std::array migrations{schema_v1, schema_v2, schema_v3, schema_v4};
static_assert(migrations.size() == schema_version);

std::int64_t read_pragma(connection& db, const char* pragma) {
  statement s{db, std::string{"PRAGMA "} + pragma};
  query q{s, "migrate"};
  return q.step() ? q.column_int() : 0;
}

void check_version(connection& db, std::int64_t version) {
  if (version > schema_version)
    throw error("migrate: database " + db.path() + " has schema version " +
                std::to_string(version) + ", newer than this hookd understands (" +
                std::to_string(schema_version) + ")");
  std::int64_t app = read_pragma(db, "application_id");
  if (app != application_id && (app != 0 || version > 0))
    throw error("migrate: " + db.path() + " is not a hookd database (application_id " +
                std::to_string(app) + ")");
}

void apply_migrations(connection& db, std::int64_t from) {
  for (auto v = from; v < schema_version; ++v)
    db.exec(migrations[static_cast<std::size_t>(v)], "migrate");
  std::string stamp = "PRAGMA user_version = " + std::to_string(schema_version) +
                      "; PRAGMA application_id = " + std::to_string(application_id) + ";";
  db.exec(stamp.c_str(), "migrate");
}

} // namespace

void migrate(connection& db) {
  auto version = read_pragma(db, "user_version");
  check_version(db, version);
  if (version == schema_version)
    return; // the common case: no write lock needed
  db.exec("BEGIN IMMEDIATE", "migrate");
  try {
    version = read_pragma(db, "user_version"); // another connection may have migrated meanwhile
    check_version(db, version);
    if (version < schema_version)
      apply_migrations(db, version);
    db.exec("COMMIT", "migrate");
  } catch (...) {
    db.rollback_quietly();
    throw;
  }
}

} // namespace hookd::store::sqlite

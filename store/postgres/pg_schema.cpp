#include "store/postgres/pg_schema.hpp"

#include "policy/cluster_partition.hpp"
#include "store/postgres/pg_connection.hpp"
#include "store/store.hpp"

#include <array>
#include <string>

namespace hookd::store::pg {
namespace {

// Version 1: the tables of the SQLite layout (store/sqlite_schema.cpp explains the columns and
// the enum codes, which are the same), in PostgreSQL types:
// - times are unix milliseconds (bigint), NULL when unset; enums are smallint codes
//   (store/enum_codes.hpp);
// - payloads and response bodies are bytea (bytes exactly as received); event-type filters a
//   JSON list in text;
// - ids and keys compare byte by byte (COLLATE "C"), as in SQLite, whatever the database's
//   collation: list order and pagination are the same on both stores, and comparisons cheaper;
// - ids are identity columns: increasing, never reused, assigned by the database, so nodes
//   writing at once never collide;
// - deliveries_pending and deliveries_failed are partial indexes, as small as that work;
// - delivery_totals counts each endpoint's delivery rows (delivered = total - pending - failed),
//   written once per transaction in endpoint-id order, so two nodes' transactions lock those
//   rows in one order and cannot deadlock on them.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE endpoints (
  id                         text COLLATE "C" PRIMARY KEY,
  url                        text NOT NULL,
  description                text NOT NULL,
  event_types                text NOT NULL,
  secret                     text NOT NULL,
  previous_secret            text NOT NULL,
  previous_secret_expires_at bigint,
  signature_scheme           smallint NOT NULL,
  rate_limit_per_s           double precision NOT NULL,
  max_concurrency            integer NOT NULL,
  timeout_ms                 integer NOT NULL,
  status                     smallint NOT NULL,
  disabled_reason            smallint NOT NULL,
  failing_since              bigint,
  created_at                 bigint,
  updated_at                 bigint
);

CREATE TABLE messages (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id         text COLLATE "C" NOT NULL UNIQUE,
  event_type text NOT NULL,
  payload    bytea NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX messages_by_created_at ON messages (created_at);

CREATE TABLE deliveries (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_seq      bigint NOT NULL REFERENCES messages (seq),
  endpoint_id      text COLLATE "C" NOT NULL,
  status           smallint NOT NULL CHECK (status IN (0, 1, 2)),
  reason           smallint NOT NULL,
  attempts         integer NOT NULL,
  first_attempt_at bigint,
  next_attempt_at  bigint,
  last_status_code integer NOT NULL,
  last_error       smallint NOT NULL,
  updated_at       bigint
);
CREATE INDEX deliveries_by_message ON deliveries (message_seq);
CREATE INDEX deliveries_pending ON deliveries (endpoint_id, next_attempt_at) WHERE status = 0;
CREATE INDEX deliveries_failed ON deliveries (endpoint_id) WHERE status = 2;

CREATE TABLE attempts (
  seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id   bigint NOT NULL REFERENCES deliveries (id),
  endpoint_id   text COLLATE "C" NOT NULL,
  at            bigint,
  outcome       smallint NOT NULL,
  status_code   integer NOT NULL,
  elapsed_ms    bigint NOT NULL,
  error         smallint NOT NULL,
  error_detail  text NOT NULL,
  response_body bytea NOT NULL
);
CREATE INDEX attempts_by_delivery ON attempts (delivery_id);

CREATE TABLE delivery_totals (
  endpoint_id text COLLATE "C" PRIMARY KEY,
  deliveries  bigint NOT NULL
);

CREATE TABLE idempotency_keys (
  key          text COLLATE "C" PRIMARY KEY,
  request_hash text NOT NULL,
  message_id   text NOT NULL,
  created_at   bigint NOT NULL
);
CREATE INDEX idempotency_by_created_at ON idempotency_keys (created_at);
)sql";

// Version 2: cluster mode. cluster_nodes: one row per node that ever joined (the dead ones are
// removed by the leader after a day); a node is live while its heartbeat_at is within
// cluster.lease_ttl. cluster_leases: one row per partition of the endpoint space
// (policy/cluster_partition.hpp); a lease is held while expires_at is in the future by the
// database's clock; epoch grows at every change of owner, and the owner's writes are checked
// against it (fencing). Times the nodes compare are the database's timestamptz, never a node's
// clock.
constexpr const char* schema_v2 = R"sql(
CREATE TABLE cluster_nodes (
  node_id         text COLLATE "C" PRIMARY KEY,
  started_at      bigint NOT NULL,
  heartbeat_at    timestamptz NOT NULL,
  version         text NOT NULL,
  endpoints_owned bigint NOT NULL,
  attempts_5m     bigint NOT NULL DEFAULT 0,  -- the node's attempts in its last 5 minutes
  failed_5m       bigint NOT NULL DEFAULT 0   -- of which failed (high_retry_rate, on the leader)
);

CREATE TABLE cluster_leases (
  part       integer PRIMARY KEY,
  owner      text COLLATE "C",
  epoch      bigint NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL DEFAULT '-infinity'
);
INSERT INTO cluster_leases (part) SELECT generate_series(0, 255);
)sql";

static_assert(policy::cluster_partitions == 256, "schema_v2 creates 256 lease rows");

// Version 3: cluster mode fans a message out in its insert (pg_statements.cpp,
// insert_message_fanout), from the endpoints table rather than a node's registry. These two
// partial indexes find an event type's subscribers without reading every endpoint: those whose
// filter lists it (a JSON array of strings, store/event_types_json.hpp) and those with no filter.
constexpr const char* schema_v3 = R"sql(
CREATE INDEX endpoints_by_event_type ON endpoints USING gin ((event_types::jsonb) jsonb_path_ops)
  WHERE status = 0;
CREATE INDEX endpoints_all_events ON endpoints (id) WHERE status = 0 AND event_types = '[]';
)sql";

// Version 4: applications (tenants), as SQLite's schema version 3 (store/sqlite_schema.cpp
// says what each column holds and why every new index is partial). insert_message_fanout
// keeps to the message's application (NULL: the endpoints of none).
constexpr const char* schema_v4 = R"sql(
CREATE TABLE applications (
  id         text COLLATE "C" PRIMARY KEY,
  uid        text COLLATE "C" UNIQUE,
  name       text NOT NULL,
  rate_limit integer NOT NULL,
  metadata   text NOT NULL,
  created_at bigint,
  updated_at bigint
);

ALTER TABLE endpoints ADD COLUMN application_id text COLLATE "C";
ALTER TABLE endpoints ADD COLUMN uid text COLLATE "C";
ALTER TABLE endpoints ADD COLUMN headers text NOT NULL DEFAULT '[]';
ALTER TABLE endpoints ADD COLUMN metadata text NOT NULL DEFAULT '{}';
CREATE INDEX endpoints_by_application ON endpoints (application_id, id)
  WHERE application_id IS NOT NULL;
CREATE UNIQUE INDEX endpoints_by_uid ON endpoints (application_id, uid) WHERE uid IS NOT NULL;

ALTER TABLE messages ADD COLUMN application_id text COLLATE "C";
ALTER TABLE messages ADD COLUMN event_id text COLLATE "C";
ALTER TABLE messages ADD COLUMN channels text;
CREATE INDEX messages_by_application ON messages (application_id, seq)
  WHERE application_id IS NOT NULL;
CREATE UNIQUE INDEX messages_by_event_id ON messages (application_id, event_id)
  WHERE event_id IS NOT NULL;

CREATE TABLE event_types (
  name        text COLLATE "C" PRIMARY KEY,
  description text NOT NULL,
  archived    smallint NOT NULL,
  deprecated  smallint NOT NULL,
  schemas     text,
  created_at  bigint,
  updated_at  bigint
);
)sql";

// Version 5: inbound sources, as SQLite's schema version 4 (store/sqlite_schema.cpp).
// insert_message_fanout sends a source's message to the endpoints of no application.
constexpr const char* schema_v5 = R"sql(
CREATE TABLE sources (
  id                         text COLLATE "C" PRIMARY KEY,
  name                       text NOT NULL,
  kind                       text NOT NULL,
  secret                     text NOT NULL,
  previous_secret            text NOT NULL,
  previous_secret_expires_at bigint,
  event_type_from            text NOT NULL,
  created_at                 bigint,
  updated_at                 bigint
);

ALTER TABLE messages ADD COLUMN source_id text COLLATE "C";
CREATE INDEX messages_by_source ON messages (source_id, seq) WHERE source_id IS NOT NULL;
CREATE UNIQUE INDEX messages_by_sender_id ON messages (source_id, event_id)
  WHERE source_id IS NOT NULL AND event_id IS NOT NULL;
)sql";

/// migrations[i] takes a database from version i to version i + 1.
constexpr std::array migrations{schema_v1, schema_v2, schema_v3, schema_v4, schema_v5};
static_assert(migrations.size() == schema_version);

/// The advisory lock key of migrations ("hookd" in ASCII, then 1).
constexpr const char* migration_lock = "SELECT pg_advisory_lock(448311814244001)";
constexpr const char* migration_unlock = "SELECT pg_advisory_unlock(448311814244001)";

std::int64_t read_version(connection& db) {
  db.exec("CREATE TABLE IF NOT EXISTS hookd_schema (version bigint NOT NULL)", "migrate");
  auto r = db.exec("SELECT max(version) FROM hookd_schema", "migrate");
  return r.next() ? r.column_int() : 0; // NULL (no row) reads as 0
}

void migrate_locked(connection& db) {
  db.exec("BEGIN", "migrate");
  const auto version = read_version(db);
  if (version > schema_version)
    throw error("migrate: the database at " + db.where() + " has hookd schema version " +
                std::to_string(version) + ", newer than this hookd understands (" +
                std::to_string(schema_version) + "); run a newer hookd");
  for (auto v = version; v < schema_version; ++v)
    db.exec_script(migrations[static_cast<std::size_t>(v)], "migrate");
  if (version < schema_version) {
    db.exec("DELETE FROM hookd_schema", "migrate");
    db.exec("INSERT INTO hookd_schema (version) VALUES (" + std::to_string(schema_version) + ")",
            "migrate");
  }
  db.exec("COMMIT", "migrate");
}

} // namespace

void migrate(connection& db) {
  db.exec(migration_lock, "migrate");
  try {
    migrate_locked(db);
  } catch (...) {
    db.rollback_quietly();
    try {
      db.exec(migration_unlock, "migrate");
    } catch (...) { // the session ends with the connection, and the lock with it
    }
    throw;
  }
  db.exec(migration_unlock, "migrate");
}

} // namespace hookd::store::pg

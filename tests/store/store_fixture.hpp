#pragma once
// Shared helpers for the store tests: a store on a fresh database, records with recognizable
// field values, and the delivery updates the engine writes.
//
// The same tests run against each implementation (tests/CMakeLists.txt runs the binary twice):
// SQLite on a fresh temp file by default; PostgreSQL on a fresh database when
// HOOKD_TEST_POSTGRES names the test run's server (ctest's second pass) or HOOKD_TEST_STORE is
// "postgres" (by hand: the binary starts a server of its own). Tests of one implementation's own matters carry the
// tag [sqlite] or [postgres] and run only in that pass.
#include "store/postgres/pg_store.hpp"
#include "store/sqlite_store.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hookd::store::testing {

/// An instant `ms` milliseconds after a fixed base (2024-01-01T00:00:00Z).
inline time_point at_ms(std::int64_t ms) {
  return from_unix_ms(1'704'067'200'000 + ms);
}

/// Whether this pass tests the PostgreSQL store (see above).
inline bool testing_postgres() {
  const char* server = std::getenv("HOOKD_TEST_POSTGRES");
  const char* backend = std::getenv("HOOKD_TEST_STORE");
  return (server && *server) || (backend && std::string{backend} == "postgres");
}

struct store_fixture {
  hookd::testing::temp_dir dir;
  std::string path = dir.file("data/hookd.db"); // SQLite: a missing parent directory on purpose
  std::string conninfo = testing_postgres() ? hookd::testing::test_database() : "";
  std::unique_ptr<store> db = open_writer();

  /// Another writer instance on the same database (its own connection).
  std::unique_ptr<store> open_writer() const {
    if (testing_postgres())
      return open_postgres_store(conninfo);
    return open_sqlite_store(path);
  }

  /// A reader instance on the same database.
  std::unique_ptr<store> open_reader() const {
    if (testing_postgres())
      return open_postgres_store(conninfo, reader_options());
    return open_sqlite_store(path, {.read_only = true});
  }

  /// Closes the store and opens the same database again, as a restarted process would.
  void reopen() {
    db.reset();
    db = open_writer();
  }
};

inline endpoint_record make_endpoint(const std::string& id) {
  endpoint_record ep;
  ep.id = id;
  ep.url = "https://example.test/hooks/" + id;
  ep.description = "endpoint " + id;
  ep.event_types = {"order.created", "order.\"quoted\"\\paid"};
  ep.secret = "whsec_c2VjcmV0";
  ep.previous_secret = "whsec_b2xk";
  ep.previous_secret_expires_at = at_ms(86'400'000);
  ep.scheme = signature_scheme::typeform;
  ep.rate_limit_per_s = 12.5;
  ep.max_concurrency = 4;
  ep.timeout_ms = 2500;
  ep.status = endpoint_status::enabled;
  ep.reason = disabled_reason::none;
  ep.failing_since = no_time;
  ep.created_at = at_ms(1);
  ep.updated_at = at_ms(2);
  return ep;
}

inline message_record make_message(const std::string& id, time_point created_at) {
  message_record msg;
  msg.id = id;
  msg.event_type = "order.created";
  msg.payload = R"({"id":")" + id + R"(","n":1})";
  msg.created_at = created_at;
  return msg;
}

/// One pending delivery per endpoint id, due when the message was accepted.
/// Whether `write` throws the store's error of kind conflict (a uniqueness rule refused it).
inline bool refused_as_conflict(const std::function<void()>& write) {
  try {
    write();
  } catch (const error& e) {
    return e.what_kind() == error::kind::conflict;
  }
  return false;
}

inline std::vector<delivery_record> make_deliveries(const message_record& msg,
                                                    const std::vector<std::string>& endpoints) {
  std::vector<delivery_record> out;
  for (const auto& ep : endpoints) {
    delivery_record d;
    d.message_id = msg.id;
    d.endpoint_id = ep;
    d.next_attempt_at = msg.created_at;
    d.created_at = msg.created_at;
    out.push_back(d);
  }
  return out;
}

/// Inserts a message with one delivery per endpoint in its own transaction. Endpoints the
/// store does not know yet are created first (enabled): deliveries exist only for those.
struct inserted {
  message_record msg;
  std::vector<delivery_record> deliveries;
};

inline inserted insert(store& db, const std::string& id, time_point created_at,
                       const std::vector<std::string>& endpoints) {
  inserted r{make_message(id, created_at), {}};
  r.deliveries = make_deliveries(r.msg, endpoints);
  for (const auto& endpoint_id : endpoints)
    if (!db.find_endpoint(endpoint_id))
      db.put_endpoint(make_endpoint(endpoint_id));
  db.begin();
  db.insert_message(r.msg, r.deliveries);
  db.commit();
  return r;
}

/// What the engine writes after a failed first attempt of `d` at `when`.
inline delivery_update failed_once(const delivery_record& d, time_point when) {
  delivery_update u;
  u.delivery_id = d.id;
  u.status = delivery_status::pending;
  u.attempts = 1;
  u.first_attempt_at = when;
  u.next_attempt_at = when + std::chrono::minutes{2};
  u.last_status_code = 503;
  u.last_error = attempt_error::http_status;
  u.at = when;
  return u;
}

inline delivery_update final_state(const delivery_record& d, delivery_status status,
                                   failure_reason reason, time_point when) {
  delivery_update u;
  u.delivery_id = d.id;
  u.status = status;
  u.reason = reason;
  u.attempts = d.attempts + 1;
  u.first_attempt_at = when;
  u.next_attempt_at = no_time;
  u.last_status_code = status == delivery_status::delivered ? 200 : 500;
  u.at = when;
  return u;
}

inline attempt_record make_attempt(const delivery_record& d, time_point when) {
  attempt_record a;
  a.delivery_id = d.id;
  a.message_id = d.message_id;
  a.endpoint_id = d.endpoint_id;
  a.at = when;
  a.outcome = attempt_outcome::failure;
  a.status_code = 503;
  a.elapsed = duration{42};
  a.error = attempt_error::http_status;
  a.error_detail = "503 Service Unavailable";
  a.response_body = std::string("busy\0\xff", 6);
  return a;
}

/// Applies `u` in its own transaction.
inline void apply(store& db, const delivery_update& u) {
  db.begin();
  db.update_delivery(u);
  db.commit();
}

} // namespace hookd::store::testing

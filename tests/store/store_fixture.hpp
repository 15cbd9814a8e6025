#pragma once
// Shared helpers for the store tests: a store on a fresh temp file, and records with
// recognizable field values.
#include "store/sqlite_store.hpp"
#include "tests/support/temp_dir.hpp"

#include <memory>
#include <string>
#include <vector>

namespace hookd::store::testing {

/// An instant `ms` milliseconds after a fixed base (2024-01-01T00:00:00Z).
inline time_point at_ms(std::int64_t ms) {
  return from_unix_ms(1'704'067'200'000 + ms);
}

struct store_fixture {
  hookd::testing::temp_dir dir;
  std::string path = dir.file("data/hookd.db"); // a missing parent directory on purpose
  std::unique_ptr<store> db = open_sqlite_store(path);

  /// Closes the store and opens the same file again, as a restarted process would.
  void reopen() {
    db.reset();
    db = open_sqlite_store(path);
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

/// Inserts a message with one delivery per endpoint in its own transaction.
struct inserted {
  message_record msg;
  std::vector<delivery_record> deliveries;
};

inline inserted insert(store& db, const std::string& id, time_point created_at,
                       const std::vector<std::string>& endpoints) {
  inserted r{make_message(id, created_at), {}};
  r.deliveries = make_deliveries(r.msg, endpoints);
  db.begin();
  db.insert_message(r.msg, r.deliveries);
  db.commit();
  return r;
}

} // namespace hookd::store::testing

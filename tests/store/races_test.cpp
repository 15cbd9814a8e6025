// Writes that the engine orders in one transaction while an operator acts on the same endpoint:
// a delete or disable ordered before an insert wins, and a late attempt result never revives a
// delivery that failed meanwhile.
#include "tests/store/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace hookd;
using namespace hookd::store;
using namespace hookd::store::testing;

namespace {

/// Inserts a message with deliveries to `endpoints` inside the caller's open transaction.
inserted insert_in_transaction(hookd::store::store& db, const std::string& id, time_point created_at,
                               const std::vector<std::string>& endpoints) {
  inserted r{make_message(id, created_at), {}};
  r.deliveries = make_deliveries(r.msg, endpoints);
  db.insert_message(r.msg, r.deliveries);
  return r;
}

constexpr std::uint32_t all_settings = 0xff; // every endpoint_field bit

std::size_t pending_of(hookd::store::store& db, const std::string& endpoint_id) {
  return db.load_pending(endpoint_id).size();
}

} // namespace

TEST_CASE("an insert ordered after the endpoint's delete creates no delivery for it",
          "[store][races]") {
  store_fixture f;
  f.db->put_endpoint(make_endpoint("ep_gone"));
  f.db->put_endpoint(make_endpoint("ep_stays"));

  // One writer batch: an insert, the DELETE, then inserts that were queued behind it.
  f.db->begin();
  auto before = insert_in_transaction(*f.db, "msg_before", at_ms(10), {"ep_gone", "ep_stays"});
  auto deletion = f.db->delete_endpoint("ep_gone", at_ms(11));
  auto after = insert_in_transaction(*f.db, "msg_after", at_ms(12), {"ep_gone", "ep_stays"});
  f.db->commit();

  CHECK(deletion.existed);
  CHECK(deletion.failed == 1); // msg_before's delivery, inserted earlier in the same batch
  REQUIRE(after.deliveries.size() == 1);
  CHECK(after.deliveries[0].endpoint_id == "ep_stays");
  CHECK(after.deliveries[0].id > 0);
  CHECK(pending_of(*f.db, "ep_gone") == 0);
  CHECK(f.db->endpoints_with_pending() == std::vector<std::string>{"ep_stays"});

  auto earlier = f.db->deliveries_of(before.msg.seq);
  REQUIRE(earlier.size() == 2);
  CHECK(earlier[0].status == delivery_status::failed);
  CHECK(earlier[0].reason == failure_reason::endpoint_deleted);
  CHECK(f.db->deliveries_of(after.msg.seq).size() == 1);

  // Stats count only the deliveries that exist.
  const std::string ids[] = {"ep_gone", "ep_stays"};
  auto stats = f.db->stats_of(ids);
  CHECK(stats[0].second.failed == 1);
  CHECK(stats[0].second.delivered == 0);
  CHECK(stats[1].second.pending == 2);
  CHECK(stats[1].second.delivered == 0);
}

TEST_CASE("an insert ordered after the endpoint's disable creates no delivery for it",
          "[store][races]") {
  store_fixture f;
  f.db->put_endpoint(make_endpoint("ep_off"));
  f.db->begin();
  f.db->set_endpoint_status("ep_off", endpoint_status::disabled, disabled_reason::manual,
                            at_ms(5));
  f.db->fail_pending("ep_off", failure_reason::endpoint_disabled, at_ms(5));
  auto m = insert_in_transaction(*f.db, "msg_1", at_ms(6), {"ep_off", "ep_unknown"});
  f.db->commit();
  CHECK(m.deliveries.empty());
  CHECK(f.db->find_message("msg_1")); // the message itself is accepted
  CHECK(f.db->endpoints_with_pending().empty());
}

TEST_CASE("a message sent to a deleted or disabled endpoint by id is refused, not stored",
          "[store][races]") {
  store_fixture f;
  f.db->put_endpoint(make_endpoint("ep_gone"));
  f.db->put_endpoint(make_endpoint("ep_off"));
  f.db->begin();
  f.db->delete_endpoint("ep_gone", at_ms(5));
  f.db->set_endpoint_status("ep_off", endpoint_status::disabled, disabled_reason::manual, at_ms(5));
  auto refusal = [&](const std::string& msg_id, const std::string& endpoint_id) {
    auto msg = make_message(msg_id, at_ms(6));
    auto ds = make_deliveries(msg, {endpoint_id});
    try {
      f.db->insert_message(msg, ds, true);
    } catch (const error& e) {
      return e.what_kind();
    }
    return error::kind::failure; // not refused
  };
  CHECK(refusal("msg_to_gone", "ep_gone") == error::kind::missing);
  CHECK(refusal("msg_to_off", "ep_off") == error::kind::disabled);
  insert_in_transaction(*f.db, "msg_x", at_ms(7), {}); // the transaction is still usable
  f.db->commit();
  CHECK_FALSE(f.db->find_message("msg_to_gone"));
  CHECK_FALSE(f.db->find_message("msg_to_off"));
  CHECK(f.db->find_message("msg_x"));
  CHECK(f.db->endpoints_with_pending().empty());
}

TEST_CASE("deleting an endpoint that is gone still fails its leftover pending deliveries",
          "[store][races]") {
  store_fixture f;
  auto m = insert(*f.db, "msg_1", at_ms(10), {"ep_a"});
  // A row removed behind hookd's back stands for pending deliveries an older hookd left behind.
  CHECK(f.db->delete_endpoint("ep_a", at_ms(20)).failed == 1);
  auto again = f.db->delete_endpoint("ep_a", at_ms(30));
  CHECK_FALSE(again.existed);
  CHECK(again.failed == 0);
  CHECK(f.db->deliveries_of(m.msg.seq)[0].reason == failure_reason::endpoint_deleted);
}

TEST_CASE("a late attempt result leaves a delivery failed by a disable or delete as it is",
          "[store][races]") {
  const bool deleted = GENERATE(false, true);
  store_fixture f;
  auto m = insert(*f.db, "msg_1", at_ms(10), {"ep_a"});
  const auto& d = m.deliveries[0];
  if (deleted) {
    f.db->delete_endpoint("ep_a", at_ms(20));
  } else {
    f.db->set_endpoint_status("ep_a", endpoint_status::disabled, disabled_reason::manual,
                              at_ms(20));
    f.db->fail_pending("ep_a", failure_reason::endpoint_disabled, at_ms(20));
  }

  // The endpoint actor's results for attempts it started before it heard of the change.
  auto attempt = make_attempt(d, at_ms(15));
  f.db->begin();
  f.db->record_attempt(attempt, failed_once(d, at_ms(21)));
  f.db->update_delivery(final_state(d, delivery_status::failed, failure_reason::exhausted, at_ms(22)));
  f.db->commit();

  auto now = f.db->deliveries_of(m.msg.seq);
  REQUIRE(now.size() == 1);
  CHECK(now[0].status == delivery_status::failed);
  CHECK(now[0].reason ==
        (deleted ? failure_reason::endpoint_deleted : failure_reason::endpoint_disabled));
  CHECK(now[0].attempts == 0);
  CHECK(pending_of(*f.db, "ep_a") == 0);
  CHECK(f.db->attempts_of("msg_1").size() == 1); // the attempt did happen: it is logged
}

TEST_CASE("a late result does not change a delivery that was delivered meanwhile",
          "[store][races]") {
  store_fixture f;
  auto m = insert(*f.db, "msg_1", at_ms(10), {"ep_a"});
  const auto& d = m.deliveries[0];
  apply(*f.db, final_state(d, delivery_status::delivered, failure_reason::none, at_ms(20)));
  apply(*f.db, failed_once(d, at_ms(30))); // a stale actor's retry decision
  auto now = f.db->deliveries_of(m.msg.seq)[0];
  CHECK(now.status == delivery_status::delivered);
  CHECK(now.last_status_code == 200);
}

TEST_CASE("an update for a delivery that does not exist still fails as missing",
          "[store][races]") {
  store_fixture f;
  delivery_update u;
  u.delivery_id = 999;
  f.db->begin();
  try {
    f.db->update_delivery(u);
    FAIL("no error");
  } catch (const error& e) {
    CHECK(e.what_kind() == error::kind::missing);
  }
  insert_in_transaction(*f.db, "msg_x", at_ms(1), {}); // the transaction is still usable
  f.db->commit();
  CHECK(f.db->find_message("msg_x"));
}

TEST_CASE("an update of a deleted endpoint does not re-create it", "[store][races]") {
  store_fixture f;
  auto ep = make_endpoint("ep_a"); // what a PATCH read before the DELETE committed
  f.db->put_endpoint(ep);
  f.db->delete_endpoint("ep_a", at_ms(10));
  ep.description = "patched";
  CHECK_FALSE(f.db->update_endpoint(ep, endpoint_field::description));
  CHECK_FALSE(f.db->update_endpoint(ep, all_settings));
  CHECK_FALSE(f.db->find_endpoint("ep_a"));
  CHECK(f.db->load_endpoints().empty());
}

TEST_CASE("an update changes the settings and keeps status, failure clock and rotation",
          "[store][races]") {
  store_fixture f;
  auto read = make_endpoint("ep_a"); // a PATCH's copy, read before the rotation below
  f.db->put_endpoint(read);
  f.db->set_endpoint_status("ep_a", endpoint_status::disabled, disabled_reason::manual, at_ms(5));
  f.db->set_failing_since("ep_a", at_ms(4));
  auto rotated = f.db->rotate_secret("ep_a", "whsec_bmV3", at_ms(86'400'010), at_ms(10));
  REQUIRE(rotated);

  read.url = "https://example.test/patched";
  read.description = "patched";
  read.event_types = {"a.b"};
  read.max_concurrency = 2;
  read.updated_at = at_ms(11);
  auto stored = f.db->update_endpoint(read, all_settings & ~endpoint_field::secret);
  REQUIRE(stored);
  CHECK(stored->url == "https://example.test/patched");
  CHECK(stored->description == "patched");
  CHECK(stored->event_types == std::vector<std::string>{"a.b"});
  CHECK(stored->max_concurrency == 2);
  CHECK(stored->updated_at == at_ms(11));
  CHECK(stored->status == endpoint_status::disabled);
  CHECK(stored->reason == disabled_reason::manual);
  CHECK(stored->failing_since == at_ms(4));
  CHECK(stored->created_at == read.created_at);
  CHECK(stored->secret == "whsec_bmV3"); // the rotation that committed meanwhile survives
  CHECK(stored->previous_secret == read.secret);
  CHECK(stored->previous_secret_expires_at == at_ms(86'400'010));
  CHECK(f.db->find_endpoint("ep_a")->description == "patched");

  // A PATCH that sets the secret itself replaces the secret columns.
  read.secret = "whsec_c2V0";
  read.previous_secret.clear();
  read.previous_secret_expires_at = no_time;
  stored = f.db->update_endpoint(read, endpoint_field::secret);
  REQUIRE(stored);
  CHECK(stored->secret == "whsec_c2V0");
  CHECK(stored->previous_secret.empty());
  CHECK(stored->previous_secret_expires_at == no_time);
}

TEST_CASE("a rotation makes the secret stored at that moment the previous one",
          "[store][races]") {
  store_fixture f;
  f.db->put_endpoint(make_endpoint("ep_a"));
  auto patched = make_endpoint("ep_a");
  patched.secret = "whsec_cGF0Y2hlZA==";
  f.db->update_endpoint(patched, endpoint_field::secret); // committed after the rotation read the endpoint
  auto rotated = f.db->rotate_secret("ep_a", "whsec_bmV3", at_ms(100), at_ms(20));
  REQUIRE(rotated);
  CHECK(rotated->secret == "whsec_bmV3");
  CHECK(rotated->previous_secret == "whsec_cGF0Y2hlZA==");
  CHECK(rotated->previous_secret_expires_at == at_ms(100));
  CHECK(rotated->updated_at == at_ms(20));
  CHECK_FALSE(f.db->rotate_secret("ep_gone", "whsec_bmV3", at_ms(100), at_ms(20)));
}

TEST_CASE("two PATCHes of different fields that read the same endpoint both survive",
          "[store][races]") {
  store_fixture f;
  const auto read = make_endpoint("ep_a"); // what both PATCHes read before either committed
  f.db->put_endpoint(read);
  auto a = read;
  a.url = "https://example.test/moved";
  a.updated_at = at_ms(10);
  auto b = read;
  b.description = "renamed";
  b.updated_at = at_ms(11);
  REQUIRE(f.db->update_endpoint(a, endpoint_field::url));
  auto stored = f.db->update_endpoint(b, endpoint_field::description);
  REQUIRE(stored);
  CHECK(stored->url == "https://example.test/moved");
  CHECK(stored->description == "renamed");
  CHECK(stored->updated_at == at_ms(11));
  CHECK(stored->secret == read.secret);
  CHECK(stored->previous_secret == read.previous_secret);
}

TEST_CASE("a PATCH of another field keeps a rotation committed after it read the endpoint",
          "[store][races]") {
  store_fixture f;
  auto read = make_endpoint("ep_a");
  read.previous_secret.clear();
  read.previous_secret_expires_at = no_time;
  f.db->put_endpoint(read);
  REQUIRE(f.db->rotate_secret("ep_a", "whsec_bmV3", at_ms(86'400'010), at_ms(10)));
  read.timeout_ms = 900;
  auto stored = f.db->update_endpoint(read, endpoint_field::timeout_ms);
  REQUIRE(stored);
  CHECK(stored->timeout_ms == 900);
  CHECK(stored->secret == "whsec_bmV3");
  CHECK(stored->previous_secret == read.secret);
  CHECK(stored->previous_secret_expires_at == at_ms(86'400'010));

  // Setting the secret that is already stored changes nothing: the overlap stays.
  auto same = read;
  same.secret = "whsec_bmV3";
  stored = f.db->update_endpoint(same, endpoint_field::secret);
  REQUIRE(stored);
  CHECK(stored->previous_secret == read.secret);
  CHECK(stored->previous_secret_expires_at == at_ms(86'400'010));

  // A new secret ends the overlap in SQL, whatever the PATCH's copy held.
  auto fresh = read;
  fresh.secret = "whsec_c2V0";
  fresh.previous_secret = "whsec_c3RhbGU=";
  fresh.previous_secret_expires_at = at_ms(5);
  stored = f.db->update_endpoint(fresh, endpoint_field::secret);
  REQUIRE(stored);
  CHECK(stored->secret == "whsec_c2V0");
  CHECK(stored->previous_secret.empty());
  CHECK(stored->previous_secret_expires_at == no_time);
}

TEST_CASE("a success of an attempt that was out during a disable is recorded as delivered",
          "[store][races]") {
  store_fixture f;
  auto m = insert(*f.db, "msg_1", at_ms(1), {"ep_a"});
  const auto d = m.deliveries.at(0);
  f.db->set_endpoint_status("ep_a", endpoint_status::disabled, disabled_reason::manual, at_ms(5));
  REQUIRE(f.db->fail_pending("ep_a", failure_reason::endpoint_disabled, at_ms(5)) == 1);

  auto failure = make_attempt(d, at_ms(2));
  f.db->record_attempt(failure, final_state(d, delivery_status::failed,
                                            failure_reason::endpoint_disabled, at_ms(6)));
  CHECK(f.db->deliveries_of(m.msg.seq)[0].last_status_code == 0); // a failure changes nothing

  auto success = make_attempt(d, at_ms(3));
  success.outcome = attempt_outcome::success;
  success.status_code = 200;
  f.db->record_attempt(success, final_state(d, delivery_status::delivered, failure_reason::none,
                                            at_ms(7)));
  auto now = f.db->deliveries_of(m.msg.seq)[0];
  CHECK(now.status == delivery_status::delivered);
  CHECK(now.reason == failure_reason::none);
  CHECK(now.last_status_code == 200);
  CHECK(f.db->attempts_of("msg_1").size() == 2);
}

TEST_CASE("a success never revives a delivery failed because its endpoint was deleted",
          "[store][races]") {
  store_fixture f;
  auto m = insert(*f.db, "msg_1", at_ms(1), {"ep_a"});
  const auto d = m.deliveries.at(0);
  f.db->delete_endpoint("ep_a", at_ms(5));
  f.db->update_delivery(final_state(d, delivery_status::delivered, failure_reason::none, at_ms(6)));
  auto now = f.db->deliveries_of(m.msg.seq)[0];
  CHECK(now.status == delivery_status::failed);
  CHECK(now.reason == failure_reason::endpoint_deleted);
}

#include "tests/store/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace hookd;
using namespace hookd::store;
using namespace hookd::store::testing;

namespace {

idempotency_record make_key(const std::string& key, const std::string& message_id,
                            time_point created_at) {
  idempotency_record r;
  r.key = key;
  r.request_hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  r.message_id = message_id;
  r.created_at = created_at;
  return r;
}

} // namespace

TEST_CASE("an idempotency key put comes back from find with every field", "[store][idempotency]") {
  store_fixture f;
  auto key = make_key("order-42/\"retry\"", "msg_1", at_ms(10));
  f.db->begin();
  f.db->put_idempotency(key);
  f.db->commit();

  auto found = f.db->find_idempotency("order-42/\"retry\"");
  REQUIRE(found);
  CHECK(found->key == key.key);
  CHECK(found->request_hash == key.request_hash);
  CHECK(found->message_id == "msg_1");
  CHECK(found->created_at == at_ms(10));
  CHECK_FALSE(f.db->find_idempotency("order-43"));
  CHECK_FALSE(f.db->find_idempotency("ORDER-42/\"retry\"")); // keys are case-sensitive

  f.reopen();
  CHECK(f.db->find_idempotency("order-42/\"retry\""));
}

TEST_CASE("putting a key that exists throws, keeps the first and leaves the transaction usable",
          "[store][idempotency]") {
  store_fixture f;
  f.db->put_idempotency(make_key("k1", "msg_1", at_ms(10))); // outside begin(): commits alone

  f.db->begin();
  auto other = make_key("k1", "msg_2", at_ms(20));
  other.request_hash = "another request";
  CHECK_THROWS_AS(f.db->put_idempotency(other), error);
  f.db->put_idempotency(make_key("k2", "msg_3", at_ms(30)));
  f.db->commit();

  auto first = f.db->find_idempotency("k1");
  REQUIRE(first);
  CHECK(first->message_id == "msg_1");
  CHECK(first->created_at == at_ms(10));
  CHECK(first->request_hash == make_key("k1", "", no_time).request_hash);
  CHECK(f.db->find_idempotency("k2"));

  // Also when the first put is in the same (uncommitted) transaction.
  f.db->begin();
  f.db->put_idempotency(make_key("k3", "msg_4", at_ms(40)));
  CHECK_THROWS_AS(f.db->put_idempotency(make_key("k3", "msg_5", at_ms(41))), error);
  f.db->commit();
  CHECK(f.db->find_idempotency("k3")->message_id == "msg_4");
}

TEST_CASE("a key is written with its message and rolled back with it", "[store][idempotency]") {
  store_fixture f;
  auto msg = make_message("msg_1", at_ms(1));
  auto ds = make_deliveries(msg, {"ep_a"});
  f.db->begin();
  f.db->insert_message(msg, ds);
  f.db->put_idempotency(make_key("k1", msg.id, msg.created_at));
  f.db->rollback();
  CHECK_FALSE(f.db->find_message("msg_1"));
  CHECK_FALSE(f.db->find_idempotency("k1"));

  f.db->begin();
  f.db->insert_message(msg, ds);
  f.db->put_idempotency(make_key("k1", msg.id, msg.created_at));
  f.db->commit();
  f.reopen();
  CHECK(f.db->find_message("msg_1"));
  CHECK(f.db->find_idempotency("k1")->message_id == "msg_1");
}

TEST_CASE("purge_idempotency removes the keys created before a time", "[store][idempotency]") {
  store_fixture f;
  f.db->begin();
  f.db->put_idempotency(make_key("old", "msg_1", at_ms(10)));
  f.db->put_idempotency(make_key("older", "msg_2", at_ms(5)));
  f.db->put_idempotency(make_key("boundary", "msg_3", at_ms(100)));
  f.db->put_idempotency(make_key("new", "msg_4", at_ms(200)));
  f.db->commit();

  f.db->begin();
  CHECK(f.db->purge_idempotency(at_ms(100)) == 2);
  f.db->commit();
  CHECK_FALSE(f.db->find_idempotency("old"));
  CHECK_FALSE(f.db->find_idempotency("older"));
  CHECK(f.db->find_idempotency("boundary")); // created at `before`: kept
  CHECK(f.db->find_idempotency("new"));
  CHECK(f.db->purge_idempotency(at_ms(100)) == 0);

  // A purged key can be used again.
  f.db->put_idempotency(make_key("old", "msg_5", at_ms(300)));
  CHECK(f.db->find_idempotency("old")->message_id == "msg_5");
}

TEST_CASE("a reader instance refuses idempotency writes and reads keys", "[store][idempotency]") {
  store_fixture f;
  f.db->put_idempotency(make_key("k1", "msg_1", at_ms(10)));
  auto reader = f.open_reader();
  CHECK(reader->find_idempotency("k1"));
  CHECK_THROWS_WITH(reader->put_idempotency(make_key("k2", "msg_2", at_ms(11))),
                    Catch::Contains("read-only"));
  CHECK_THROWS_WITH(reader->purge_idempotency(at_ms(1000)), Catch::Contains("read-only"));
}

// store::insert_messages: many messages in the caller's one transaction, each refused alone
// (named endpoint gone or disabled, Idempotency-Key taken, also within the batch, id taken)
// while the others are written; nothing is durable before the caller's commit.
#include "store/batch_insert.hpp"
#include "tests/store/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace hookd;
using namespace hookd::store;
using namespace hookd::store::testing;

namespace {

batch_message item(const std::string& id, const std::vector<std::string>& endpoints,
                   const std::string& key = {}, bool named = false) {
  batch_message m;
  m.message = make_message(id, at_ms(100));
  m.deliveries = make_deliveries(m.message, endpoints);
  if (!key.empty())
    m.idempotency = idempotency_record{key, "hash of " + id, id, at_ms(100)};
  m.endpoints_named = named;
  return m;
}

} // namespace

TEST_CASE("insert_messages writes every message in the caller's transaction",
          "[store][batch]") {
  store_fixture f;
  f.db->put_endpoint(make_endpoint("ep_a"));
  f.db->put_endpoint(make_endpoint("ep_b"));
  std::vector<batch_message> batch{item("msg_1", {"ep_a", "ep_b"}), item("msg_2", {"ep_b"}, "k2"),
                                   item("msg_3", {})};

  SECTION("committed: all of them, with seqs and delivery ids") {
    f.db->begin();
    auto outcomes = insert_messages(*f.db, batch);
    f.db->commit();
    REQUIRE(outcomes.size() == 3);
    for (const auto& o : outcomes)
      CHECK_FALSE(o.refusal);
    CHECK(outcomes[0].deliveries.size() == 2);
    CHECK(outcomes[1].deliveries.size() == 1);
    CHECK(outcomes[2].deliveries.empty());
    CHECK(batch[0].message.seq > 0);
    CHECK(batch[1].message.seq == batch[0].message.seq + 1);
    CHECK(outcomes[1].deliveries[0].id > outcomes[0].deliveries[1].id);
    CHECK(outcomes[1].deliveries[0].message_seq == batch[1].message.seq);
    f.reopen();
    for (const auto* id : {"msg_1", "msg_2", "msg_3"})
      CHECK(f.db->find_message(id));
    CHECK(f.db->deliveries_of(batch[0].message.seq).size() == 2);
    REQUIRE(f.db->find_idempotency("k2"));
    CHECK(f.db->find_idempotency("k2")->message_id == "msg_2");
  }

  SECTION("rolled back: none of them (the call commits nothing by itself)") {
    f.db->begin();
    insert_messages(*f.db, batch);
    f.db->rollback();
    f.reopen();
    for (const auto* id : {"msg_1", "msg_2", "msg_3"})
      CHECK_FALSE(f.db->find_message(id));
    CHECK_FALSE(f.db->find_idempotency("k2"));
  }
}

TEST_CASE("insert_messages refuses a message alone and writes the others", "[store][batch]") {
  store_fixture f;
  f.db->put_endpoint(make_endpoint("ep_a"));
  auto disabled = make_endpoint("ep_off");
  disabled.status = endpoint_status::disabled;
  disabled.reason = disabled_reason::manual;
  f.db->put_endpoint(disabled);
  insert(*f.db, "msg_old", at_ms(1), {"ep_a"});
  f.db->put_idempotency(idempotency_record{"k_old", "h", "msg_old", at_ms(1)});

  std::vector<batch_message> batch{
      item("msg_1", {"ep_a"}),
      item("msg_2", {"ep_gone"}, "k2", true),    // named endpoint does not exist
      item("msg_3", {"ep_off"}, "k3", true),     // named endpoint disabled
      item("msg_4", {"ep_a"}, "k_old"),          // key stored before
      item("msg_old", {"ep_a"}),                 // id taken
      item("msg_5", {"ep_a"}, "k5"),
      item("msg_6", {"ep_a"}, "k5"),             // key used earlier in the same batch
      item("msg_7", {"ep_a", "ep_gone"}),        // fan-out: the unknown endpoint is skipped
      item("msg_8", {"ep_a"}, "k2"),             // k2's message was refused: the key is free
  };
  f.db->begin();
  auto outcomes = insert_messages(*f.db, batch);
  f.db->commit();
  REQUIRE(outcomes.size() == batch.size());
  auto refused = [&](std::size_t i) { return outcomes[i].refusal.has_value(); };
  CHECK_FALSE(refused(0));
  REQUIRE(refused(1));
  CHECK(outcomes[1].refusal->kind == error::kind::missing);
  REQUIRE(refused(2));
  CHECK(outcomes[2].refusal->kind == error::kind::disabled);
  REQUIRE(refused(3));
  CHECK(outcomes[3].refusal->kind == error::kind::conflict);
  REQUIRE(refused(4));
  CHECK(outcomes[4].refusal->kind == error::kind::conflict);
  CHECK_FALSE(refused(5));
  REQUIRE(refused(6));
  CHECK(outcomes[6].refusal->kind == error::kind::conflict);
  CHECK_FALSE(refused(7));
  CHECK(outcomes[7].deliveries.size() == 1);
  CHECK_FALSE(refused(8));

  f.reopen();
  for (const auto* id : {"msg_1", "msg_5", "msg_7", "msg_8"})
    CHECK(f.db->find_message(id));
  for (const auto* id : {"msg_2", "msg_3", "msg_4", "msg_6"})
    CHECK_FALSE(f.db->find_message(id));
  CHECK(f.db->find_message("msg_old")->created_at == at_ms(1)); // the first one, untouched
  CHECK(f.db->find_idempotency("k_old")->message_id == "msg_old");
  CHECK(f.db->find_idempotency("k5")->message_id == "msg_5");
  CHECK(f.db->find_idempotency("k2")->message_id == "msg_8");
  CHECK_FALSE(f.db->find_idempotency("k3"));
  CHECK(f.db->load_pending("ep_a").size() == 1 + 4); // msg_old's and the four stored
  CHECK(f.db->load_pending("ep_off").empty());
}

TEST_CASE("insert_messages runs again on the same input after a rollback", "[store][batch]") {
  store_fixture f;
  f.db->put_endpoint(make_endpoint("ep_a"));
  std::vector<batch_message> batch{item("msg_1", {"ep_a", "ep_gone"}, "k1"), item("msg_2", {"ep_a"})};
  f.db->begin();
  insert_messages(*f.db, batch);
  f.db->rollback();
  CHECK(batch[0].deliveries.size() == 2); // the input is left as given

  f.db->begin();
  auto outcomes = insert_messages(*f.db, batch);
  f.db->commit();
  CHECK_FALSE(outcomes[0].refusal);
  CHECK_FALSE(outcomes[1].refusal);
  CHECK(outcomes[0].deliveries.size() == 1);
  CHECK(f.db->find_idempotency("k1"));
  CHECK(f.db->find_message("msg_2"));
}

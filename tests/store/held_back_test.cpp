// A writer's batch with outcomes held back (store::begin_command, store::settle): the
// PostgreSQL store sends the hot writes down one pipeline and learns their outcomes later; the
// SQLite store learns each at once. Either way a refusal names its command, outputs are filled
// in once the outcome is known, and a refused call writes nothing. Also pending_of_messages,
// how a cluster node reads what another node accepted for it.
#include "tests/store/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <optional>

using namespace hookd;
using namespace hookd::store;
using namespace hookd::store::testing;

namespace {

/// Runs `call` as command `n`, then settles: the refusal it met, now or when settled.
template <class Call>
std::optional<error> refusal_of(store::store& db, std::size_t n, Call&& call) {
  try {
    db.begin_command(n);
    call();
    db.settle();
  } catch (const error& e) {
    return e;
  }
  return std::nullopt;
}

} // namespace

TEST_CASE("commands of one batch: outputs once settled, a refusal names its command, the batch "
          "goes on",
          "[store][held_back]") {
  store_fixture f;
  f.db->put_endpoint(make_endpoint("ep_a"));
  f.db->put_endpoint(make_endpoint("ep_b"));
  auto first = make_message("msg_1", at_ms(10));
  auto first_deliveries = make_deliveries(first, {"ep_a", "ep_b"});
  auto again = make_message("msg_1", at_ms(11)); // the same id: refused
  auto again_deliveries = make_deliveries(again, {"ep_a"});
  auto third = make_message("msg_3", at_ms(12));
  auto third_deliveries = make_deliveries(third, {"ep_b"});

  f.db->begin();
  CHECK_FALSE(refusal_of(*f.db, 0, [&] { f.db->insert_message(first, first_deliveries); }));
  const auto refused = refusal_of(*f.db, 1, [&] { f.db->insert_message(again, again_deliveries); });
  REQUIRE(refused);
  CHECK(refused->what_kind() == error::kind::conflict);
  CHECK(refused->command().value_or(1) == 1); // named when it was learnt late
  CHECK_FALSE(refusal_of(*f.db, 2, [&] { f.db->insert_message(third, third_deliveries); }));
  f.db->commit();

  CHECK(first.seq > 0);
  REQUIRE(first_deliveries.size() == 2);
  CHECK(first_deliveries[0].id > 0);
  CHECK(first_deliveries[1].id > first_deliveries[0].id);
  CHECK(first_deliveries[1].message_seq == first.seq);
  CHECK(third.seq > first.seq);
  CHECK(f.db->deliveries_of(first.seq).size() == 2);
  CHECK(f.db->find_message("msg_1")->created_at == at_ms(10));
  CHECK(f.db->find_message("msg_3"));
}

TEST_CASE("a held-back refusal surfaces at the next call that must wait, naming the earlier "
          "command",
          "[store][held_back]") {
  store_fixture f;
  auto m = insert(*f.db, "msg_1", at_ms(10), {"ep_a"});
  delivery_update ghost = failed_once(m.deliveries[0], at_ms(11));
  ghost.delivery_id = 999'999;
  auto a = make_attempt(m.deliveries[0], at_ms(11));

  f.db->begin();
  std::optional<error> refused;
  try {
    f.db->begin_command(4);
    f.db->record_attempt(a, ghost); // no such delivery
    f.db->begin_command(5);
    (void)f.db->find_endpoint("ep_a"); // a read: every outcome held back is learnt first
  } catch (const error& e) {
    refused = e;
  }
  f.db->rollback();
  REQUIRE(refused);
  CHECK(refused->what_kind() == error::kind::missing);
  CHECK(refused->command().value_or(4) == 4);
  CHECK(f.db->attempts_of("msg_1").empty());
}

TEST_CASE("a message naming a disabled endpoint writes nothing, even with its outcome held back",
          "[store][held_back]") {
  store_fixture f;
  f.db->put_endpoint(make_endpoint("ep_on"));
  f.db->put_endpoint(make_endpoint("ep_off"));
  f.db->set_endpoint_status("ep_off", endpoint_status::disabled, disabled_reason::manual,
                            at_ms(5));
  auto named = make_message("msg_named", at_ms(10));
  auto named_deliveries = make_deliveries(named, {"ep_on", "ep_off"});
  auto next = make_message("msg_next", at_ms(11));
  auto next_deliveries = make_deliveries(next, {"ep_on"});

  f.db->begin();
  const auto refused = refusal_of(*f.db, 0, [&] {
    f.db->insert_message(named, named_deliveries, /*endpoints_named=*/true);
  });
  REQUIRE(refused);
  CHECK(refused->what_kind() == error::kind::disabled);
  CHECK(refused->command().value_or(0) == 0);
  CHECK_FALSE(refusal_of(*f.db, 1, [&] { f.db->insert_message(next, next_deliveries); }));
  f.db->commit();

  CHECK_FALSE(f.db->find_message("msg_named"));
  CHECK(f.db->load_pending("ep_on").size() == 1);
  CHECK(f.db->find_message("msg_next"));
}

TEST_CASE("pending_of_messages: the pending deliveries of the messages asked for, by message",
          "[store][held_back]") {
  store_fixture f;
  auto one = insert(*f.db, "msg_1", at_ms(10), {"ep_a", "ep_b"});
  auto two = insert(*f.db, "msg_2", at_ms(11), {"ep_a"});
  insert(*f.db, "msg_3", at_ms(12), {"ep_a"}); // not asked for
  auto done = final_state(one.deliveries[1], delivery_status::delivered, failure_reason::none,
                          at_ms(20));
  f.db->begin();
  f.db->update_delivery(done);
  f.db->commit();

  const std::vector<std::int64_t> seqs{two.msg.seq, one.msg.seq, 999'999};
  const auto pending = f.db->pending_of_messages(seqs);
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].message_seq == one.msg.seq);
  CHECK(pending[0].endpoint_id == "ep_a");
  CHECK(pending[0].message_id == "msg_1");
  CHECK(pending[1].message_seq == two.msg.seq);
  CHECK(pending[1].status == delivery_status::pending);
  CHECK(f.db->pending_of_messages({}).empty());
}

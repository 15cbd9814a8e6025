#include "tests/store/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

using namespace hookd;
using namespace hookd::store;
using namespace hookd::store::testing;

TEST_CASE("insert_message assigns seq, delivery ids and message_seq", "[store][messages]") {
  store_fixture f;
  auto first = insert(*f.db, "msg_1", at_ms(10), {"ep_a", "ep_b", "ep_c"});
  auto second = insert(*f.db, "msg_2", at_ms(11), {"ep_a"});

  CHECK(first.msg.seq > 0);
  CHECK(second.msg.seq > first.msg.seq);
  REQUIRE(first.deliveries.size() == 3);
  for (std::size_t i = 0; i < first.deliveries.size(); ++i) {
    CHECK(first.deliveries[i].message_seq == first.msg.seq);
    if (i > 0)
      CHECK(first.deliveries[i].id > first.deliveries[i - 1].id);
  }
  CHECK(second.deliveries[0].id > first.deliveries[2].id);
}

TEST_CASE("find_message and deliveries_of return what insert_message wrote", "[store][messages]") {
  store_fixture f;
  auto m = insert(*f.db, "msg_1", at_ms(10), {"ep_b", "ep_a"});

  auto msg = f.db->find_message("msg_1");
  REQUIRE(msg);
  CHECK(msg->seq == m.msg.seq);
  CHECK(msg->id == "msg_1");
  CHECK(msg->event_type == m.msg.event_type);
  CHECK(msg->payload == m.msg.payload);
  CHECK(msg->created_at == at_ms(10));

  auto ds = f.db->deliveries_of(m.msg.seq);
  REQUIRE(ds.size() == 2);
  for (std::size_t i = 0; i < ds.size(); ++i) {
    CHECK(ds[i].id == m.deliveries[i].id);
    CHECK(ds[i].message_seq == m.msg.seq);
    CHECK(ds[i].message_id == "msg_1");
    CHECK(ds[i].endpoint_id == m.deliveries[i].endpoint_id);
    CHECK(ds[i].status == delivery_status::pending);
    CHECK(ds[i].reason == failure_reason::none);
    CHECK(ds[i].attempts == 0);
    CHECK(ds[i].first_attempt_at == no_time);
    CHECK(ds[i].next_attempt_at == at_ms(10));
    CHECK(ds[i].created_at == at_ms(10));
  }
}

TEST_CASE("a payload is stored byte for byte", "[store][messages]") {
  store_fixture f;
  auto msg = make_message("msg_bin", at_ms(1));
  msg.payload = std::string("{\"a\":\"\0\xc3\x28\"}", 11);
  std::vector<delivery_record> none;
  f.db->begin();
  f.db->insert_message(msg, none);
  f.db->commit();
  auto back = f.db->find_message("msg_bin");
  REQUIRE(back);
  CHECK(back->payload == msg.payload);
}

TEST_CASE("unknown message ids and seqs read as empty", "[store][messages]") {
  store_fixture f;
  CHECK_FALSE(f.db->find_message("msg_nope"));
  CHECK(f.db->deliveries_of(12345).empty());
  CHECK(f.db->attempts_of("msg_nope").empty());
  CHECK(f.db->load_pending("ep_nope").empty());
  CHECK(f.db->endpoints_with_pending().empty());
  std::vector<std::int64_t> seqs{1, 2, 3};
  CHECK(f.db->load_payloads(seqs).empty());
}

TEST_CASE("load_pending orders an endpoint's pending deliveries by due time", "[store][messages]") {
  store_fixture f;
  auto late = insert(*f.db, "msg_late", at_ms(30), {"ep_a", "ep_b"});
  auto early = insert(*f.db, "msg_early", at_ms(40), {"ep_a"});
  auto done = insert(*f.db, "msg_done", at_ms(50), {"ep_a"});
  // msg_early retries before msg_late's first attempt is due; msg_done is delivered.
  apply(*f.db, failed_once(early.deliveries[0], at_ms(5)));
  apply(*f.db, final_state(done.deliveries[0], delivery_status::delivered, failure_reason::none,
                           at_ms(60)));
  delivery_update sooner = failed_once(early.deliveries[0], at_ms(5));
  sooner.next_attempt_at = at_ms(20);
  apply(*f.db, sooner);

  auto pending = f.db->load_pending("ep_a");
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].message_id == "msg_early");
  CHECK(pending[0].next_attempt_at == at_ms(20));
  CHECK(pending[0].attempts == 1);
  CHECK(pending[0].first_attempt_at == at_ms(5));
  CHECK(pending[0].last_status_code == 503);
  CHECK(pending[0].last_error == attempt_error::http_status);
  CHECK(pending[0].created_at == at_ms(40));
  CHECK(pending[1].message_id == "msg_late");
  CHECK(pending[1].id == late.deliveries[0].id);
  CHECK(pending[1].created_at == at_ms(30));

  CHECK(f.db->endpoints_with_pending() == std::vector<std::string>{"ep_a", "ep_b"});
}

TEST_CASE("record_attempt logs the attempt and applies the delivery update", "[store][messages]") {
  store_fixture f;
  auto m = insert(*f.db, "msg_1", at_ms(10), {"ep_a", "ep_b"});
  const auto& d = m.deliveries[1];

  auto a1 = make_attempt(d, at_ms(11));
  auto a2 = make_attempt(d, at_ms(200));
  a2.outcome = attempt_outcome::success;
  a2.status_code = 204;
  a2.error = attempt_error::none;
  a2.error_detail.clear();
  a2.response_body.clear();
  f.db->begin();
  f.db->record_attempt(a1, failed_once(d, at_ms(11)));
  f.db->commit();
  f.db->begin();
  auto delivered = final_state(d, delivery_status::delivered, failure_reason::none, at_ms(200));
  delivered.first_attempt_at = at_ms(11);
  delivered.attempts = 2;
  f.db->record_attempt(a2, delivered);
  f.db->commit();

  CHECK(a1.seq > 0);
  CHECK(a2.seq > a1.seq);

  auto attempts = f.db->attempts_of("msg_1");
  REQUIRE(attempts.size() == 2);
  CHECK(attempts[0].seq == a1.seq);
  CHECK(attempts[0].delivery_id == d.id);
  CHECK(attempts[0].message_id == "msg_1");
  CHECK(attempts[0].endpoint_id == "ep_b");
  CHECK(attempts[0].at == at_ms(11));
  CHECK(attempts[0].outcome == attempt_outcome::failure);
  CHECK(attempts[0].status_code == 503);
  CHECK(attempts[0].elapsed == duration{42});
  CHECK(attempts[0].error == attempt_error::http_status);
  CHECK(attempts[0].error_detail == "503 Service Unavailable");
  CHECK(attempts[0].response_body == a1.response_body);
  CHECK(attempts[1].seq == a2.seq);
  CHECK(attempts[1].outcome == attempt_outcome::success);
  CHECK(attempts[1].status_code == 204);
  CHECK(attempts[1].response_body.empty());

  auto ds = f.db->deliveries_of(m.msg.seq);
  REQUIRE(ds.size() == 2);
  CHECK(ds[1].status == delivery_status::delivered);
  CHECK(ds[1].attempts == 2);
  CHECK(ds[1].first_attempt_at == at_ms(11));
  CHECK(ds[1].next_attempt_at == no_time);
  CHECK(ds[1].last_status_code == 200);
  CHECK(ds[1].updated_at == at_ms(200));
  CHECK(ds[0].status == delivery_status::pending); // the other delivery is untouched
  CHECK(ds[0].attempts == 0);
  CHECK(f.db->load_pending("ep_b").empty());
}

TEST_CASE("a write for an unknown delivery throws and leaves the transaction usable",
          "[store][messages]") {
  store_fixture f;
  auto m = insert(*f.db, "msg_1", at_ms(10), {"ep_a"});
  delivery_update ghost = failed_once(m.deliveries[0], at_ms(11));
  ghost.delivery_id = 999'999;
  attempt_record a = make_attempt(m.deliveries[0], at_ms(11));
  a.delivery_id = 0;

  f.db->begin();
  CHECK_THROWS_AS(f.db->update_delivery(ghost), error);
  CHECK_THROWS_AS(f.db->record_attempt(a, ghost), error);
  f.db->record_attempt(a, failed_once(m.deliveries[0], at_ms(11)));
  f.db->commit();

  CHECK(f.db->attempts_of("msg_1").size() == 1);
  CHECK(f.db->deliveries_of(m.msg.seq)[0].attempts == 1);
}

TEST_CASE("update_delivery applies every field", "[store][messages]") {
  store_fixture f;
  auto m = insert(*f.db, "msg_1", at_ms(10), {"ep_a"});
  auto u =
      final_state(m.deliveries[0], delivery_status::failed, failure_reason::exhausted, at_ms(99));
  u.last_error = attempt_error::timeout;
  apply(*f.db, u);

  auto ds = f.db->deliveries_of(m.msg.seq);
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].status == delivery_status::failed);
  CHECK(ds[0].reason == failure_reason::exhausted);
  CHECK(ds[0].attempts == 1);
  CHECK(ds[0].last_status_code == 500);
  CHECK(ds[0].last_error == attempt_error::timeout);
  CHECK(ds[0].updated_at == at_ms(99));
  CHECK(f.db->endpoints_with_pending().empty());
  CHECK(f.db->attempts_of("msg_1").empty());
}

TEST_CASE("fail_pending touches only the endpoint's pending deliveries", "[store][messages]") {
  store_fixture f;
  auto m1 = insert(*f.db, "msg_1", at_ms(10), {"ep_a", "ep_b"});
  auto m2 = insert(*f.db, "msg_2", at_ms(11), {"ep_a"});
  auto m3 = insert(*f.db, "msg_3", at_ms(12), {"ep_a"});
  apply(*f.db,
        final_state(m2.deliveries[0], delivery_status::delivered, failure_reason::none, at_ms(13)));

  f.db->begin();
  CHECK(f.db->fail_pending("ep_a", failure_reason::endpoint_disabled, at_ms(20)) == 2);
  f.db->commit();

  auto d1 = f.db->deliveries_of(m1.msg.seq);
  CHECK(d1[0].status == delivery_status::failed);
  CHECK(d1[0].reason == failure_reason::endpoint_disabled);
  CHECK(d1[0].updated_at == at_ms(20));
  CHECK(d1[1].status == delivery_status::pending); // ep_b
  CHECK(f.db->deliveries_of(m2.msg.seq)[0].status == delivery_status::delivered);
  CHECK(f.db->deliveries_of(m3.msg.seq)[0].reason == failure_reason::endpoint_disabled);
  CHECK(f.db->load_pending("ep_a").empty());

  f.db->begin();
  CHECK(f.db->fail_pending("ep_a", failure_reason::endpoint_disabled, at_ms(21)) == 0);
  f.db->commit();
}

TEST_CASE("requeue_failed re-queues failed deliveries of messages accepted since a time",
          "[store][messages]") {
  store_fixture f;
  auto old_msg = insert(*f.db, "msg_old", at_ms(100), {"ep_a"});
  auto new_msg = insert(*f.db, "msg_new", at_ms(200), {"ep_a", "ep_b"});
  auto ok_msg = insert(*f.db, "msg_ok", at_ms(300), {"ep_a"});
  auto exhausted = [&](const delivery_record& d) {
    auto u = final_state(d, delivery_status::failed, failure_reason::exhausted, at_ms(400));
    u.last_error = attempt_error::timeout;
    apply(*f.db, u);
  };
  exhausted(old_msg.deliveries[0]);
  exhausted(new_msg.deliveries[0]);
  exhausted(new_msg.deliveries[1]); // ep_b: another endpoint
  apply(*f.db, final_state(ok_msg.deliveries[0], delivery_status::delivered, failure_reason::none,
                           at_ms(400)));

  f.db->begin();
  CHECK(f.db->requeue_failed("ep_a", at_ms(200), at_ms(1000)) == 1);
  f.db->commit();

  auto pending = f.db->load_pending("ep_a");
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].message_id == "msg_new");
  CHECK(pending[0].status == delivery_status::pending);
  CHECK(pending[0].reason == failure_reason::none);
  CHECK(pending[0].attempts == 0);
  CHECK(pending[0].first_attempt_at == no_time);
  CHECK(pending[0].next_attempt_at == at_ms(1000));
  CHECK(pending[0].updated_at == at_ms(1000));
  CHECK(f.db->deliveries_of(old_msg.msg.seq)[0].status == delivery_status::failed);
  CHECK(f.db->deliveries_of(new_msg.msg.seq)[1].status == delivery_status::failed);
  CHECK(f.db->deliveries_of(ok_msg.msg.seq)[0].status == delivery_status::delivered);
}

TEST_CASE("requeue_message re-queues the message's failed deliveries to enabled endpoints",
          "[store][messages]") {
  store_fixture f;
  for (const auto* id : {"ep_on", "ep_off", "ep_pending", "ep_done", "ep_gone"})
    f.db->put_endpoint(make_endpoint(id));
  auto m =
      insert(*f.db, "msg_1", at_ms(10), {"ep_on", "ep_off", "ep_pending", "ep_done", "ep_gone"});
  auto other = insert(*f.db, "msg_2", at_ms(11), {"ep_on"});
  f.db->set_endpoint_status("ep_off", endpoint_status::disabled, disabled_reason::manual,
                            at_ms(50));
  const auto& on = m.deliveries[0];
  const auto& off = m.deliveries[1];
  const auto& still_pending = m.deliveries[2];

  auto exhausted = [&](const delivery_record& d) {
    auto u = final_state(d, delivery_status::failed, failure_reason::exhausted, at_ms(400));
    u.attempts = 3;
    u.first_attempt_at = at_ms(20);
    u.last_error = attempt_error::timeout;
    apply(*f.db, u);
  };
  exhausted(on);
  exhausted(off);
  exhausted(other.deliveries[0]);
  apply(*f.db, failed_once(still_pending, at_ms(30)));
  apply(*f.db,
        final_state(m.deliveries[3], delivery_status::delivered, failure_reason::none, at_ms(40)));
  // Deleting an endpoint fails its pending delivery (endpoint_deleted) and removes its row.
  CHECK(f.db->delete_endpoint("ep_gone", at_ms(60)));

  f.db->begin();
  auto pending = f.db->requeue_message(m.msg.seq, at_ms(1000));
  f.db->commit();

  REQUIRE(pending.size() == 2); // re-queued and already pending, ordered by id
  CHECK(pending[0].id == on.id);
  CHECK(pending[0].endpoint_id == "ep_on");
  CHECK(pending[0].message_id == "msg_1");
  CHECK(pending[0].status == delivery_status::pending);
  CHECK(pending[0].reason == failure_reason::none);
  CHECK(pending[0].attempts == 3);                  // kept: one extra attempt
  CHECK(pending[0].first_attempt_at == at_ms(20));  // kept: same retry window
  CHECK(pending[0].next_attempt_at == at_ms(1000)); // due now
  CHECK(pending[0].updated_at == at_ms(1000));
  CHECK(pending[0].last_status_code == 500); // the last attempt's outcome stays
  CHECK(pending[0].last_error == attempt_error::timeout);
  CHECK(pending[0].created_at == at_ms(10));
  CHECK(pending[1].id == still_pending.id);
  CHECK(pending[1].attempts == 1);
  CHECK(pending[1].next_attempt_at == at_ms(30) + std::chrono::minutes{2}); // untouched
  CHECK(pending[1].updated_at == at_ms(30));

  auto ds = f.db->deliveries_of(m.msg.seq);
  REQUIRE(ds.size() == 5);
  CHECK(ds[1].status == delivery_status::failed); // ep_off: disabled
  CHECK(ds[1].reason == failure_reason::exhausted);
  CHECK(ds[1].updated_at == at_ms(400));
  CHECK(ds[3].status == delivery_status::delivered); // ep_done
  CHECK(ds[3].updated_at == at_ms(40));
  CHECK(ds[4].status == delivery_status::failed); // ep_gone: deleted
  CHECK(ds[4].reason == failure_reason::endpoint_deleted);
  // Another message's failed delivery to the same endpoint stays failed.
  CHECK(f.db->deliveries_of(other.msg.seq)[0].status == delivery_status::failed);
  auto due = f.db->load_pending("ep_on");
  REQUIRE(due.size() == 1);
  CHECK(due[0].id == on.id);

  // Nothing left to re-queue: the same pending deliveries come back, unchanged.
  auto again = f.db->requeue_message(m.msg.seq, at_ms(2000));
  REQUIRE(again.size() == 2);
  CHECK(again[0].next_attempt_at == at_ms(1000));
  CHECK(f.db->requeue_message(999'999, at_ms(2000)).empty());
}

TEST_CASE("requeue_message re-queues nothing for a message whose deliveries all succeeded",
          "[store][messages]") {
  store_fixture f;
  f.db->put_endpoint(make_endpoint("ep_a"));
  auto m = insert(*f.db, "msg_1", at_ms(10), {"ep_a"});
  apply(*f.db,
        final_state(m.deliveries[0], delivery_status::delivered, failure_reason::none, at_ms(20)));
  CHECK(f.db->requeue_message(m.msg.seq, at_ms(30)).empty());
  CHECK(f.db->deliveries_of(m.msg.seq)[0].status == delivery_status::delivered);
}

TEST_CASE("purge_finished removes old finished messages with their deliveries and attempts",
          "[store][messages]") {
  store_fixture f;
  auto finished = insert(*f.db, "msg_finished", at_ms(10), {"ep_a", "ep_b"});
  auto half = insert(*f.db, "msg_half", at_ms(11), {"ep_a", "ep_b"});
  auto recent = insert(*f.db, "msg_recent", at_ms(500), {"ep_a"});
  auto orphan = insert(*f.db, "msg_no_targets", at_ms(12), {});
  auto attempt = make_attempt(finished.deliveries[0], at_ms(20));
  f.db->begin();
  f.db->record_attempt(attempt, final_state(finished.deliveries[0], delivery_status::delivered,
                                            failure_reason::none, at_ms(20)));
  f.db->update_delivery(final_state(finished.deliveries[1], delivery_status::failed,
                                    failure_reason::exhausted, at_ms(20)));
  f.db->update_delivery(
      final_state(half.deliveries[0], delivery_status::delivered, failure_reason::none, at_ms(20)));
  f.db->update_delivery(final_state(recent.deliveries[0], delivery_status::delivered,
                                    failure_reason::none, at_ms(501)));
  f.db->commit();

  f.db->begin();
  CHECK(f.db->purge_finished(at_ms(100), 100) == 2); // msg_finished, msg_no_targets
  f.db->commit();

  CHECK_FALSE(f.db->find_message("msg_finished"));
  CHECK(f.db->deliveries_of(finished.msg.seq).empty());
  CHECK(f.db->attempts_of("msg_finished").empty());
  CHECK_FALSE(f.db->find_message("msg_no_targets"));
  CHECK(f.db->find_message("msg_half")); // one delivery still pending
  CHECK(f.db->deliveries_of(half.msg.seq).size() == 2);
  CHECK(f.db->find_message("msg_recent")); // finished but not old enough
  (void)orphan;

  // Seqs are never handed out twice, not even after the newest rows went away.
  f.db->begin();
  CHECK(f.db->purge_finished(at_ms(10'000), 100) == 1);
  f.db->commit();
  auto next = insert(*f.db, "msg_next", at_ms(600), {"ep_a"});
  CHECK(next.msg.seq > recent.msg.seq);
  CHECK(next.deliveries[0].id > recent.deliveries[0].id);
}

TEST_CASE("purge_finished removes at most `limit` messages per call, oldest first",
          "[store][messages]") {
  store_fixture f;
  // Seqs and creation times in different orders: the oldest by created_at go first.
  std::vector<inserted> finished;
  for (int t : {40, 10, 50, 30, 20})
    finished.push_back(insert(*f.db, "msg_" + std::to_string(t), at_ms(t), {"ep_a", "ep_b"}));
  auto busy = insert(*f.db, "msg_busy", at_ms(5), {"ep_a"}); // oldest, but pending
  f.db->begin();
  for (auto& m : finished)
    for (auto& d : m.deliveries) {
      auto a = make_attempt(d, at_ms(60));
      f.db->record_attempt(
          a, final_state(d, delivery_status::delivered, failure_reason::none, at_ms(60)));
    }
  f.db->commit();

  auto purge = [&](std::size_t limit) {
    f.db->begin();
    auto n = f.db->purge_finished(at_ms(1000), limit);
    f.db->commit();
    return n;
  };
  CHECK(purge(0) == 0);
  CHECK(purge(2) == 2);
  CHECK_FALSE(f.db->find_message("msg_10"));
  CHECK_FALSE(f.db->find_message("msg_20"));
  CHECK(f.db->find_message("msg_30"));
  CHECK(f.db->attempts_of("msg_10").empty());
  CHECK(f.db->deliveries_of(finished[1].msg.seq).empty());
  CHECK(f.db->attempts_of("msg_30").size() == 2);

  CHECK(purge(2) == 2); // msg_30, msg_40
  CHECK_FALSE(f.db->find_message("msg_40"));
  CHECK(f.db->find_message("msg_50"));
  CHECK(purge(2) == 1); // msg_50
  CHECK(purge(2) == 0);
  CHECK(f.db->find_message("msg_busy"));
  CHECK(f.db->deliveries_of(busy.msg.seq).size() == 1);
  CHECK(f.db->load_pending("ep_a").size() == 1);
}

TEST_CASE("load_payloads returns the payload of every known seq, in chunks", "[store][messages]") {
  store_fixture f;
  std::vector<message_record> msgs;
  f.db->begin();
  for (int i = 0; i < 300; ++i) {
    auto msg = make_message("msg_" + std::to_string(i), at_ms(i));
    std::vector<delivery_record> ds;
    f.db->insert_message(msg, ds);
    msgs.push_back(msg);
  }
  f.db->commit();

  std::vector<std::int64_t> wanted;
  for (std::size_t i = 0; i < msgs.size(); i += 2)
    wanted.push_back(msgs[i].seq); // 150 seqs: more than two chunks, the last one short
  wanted.push_back(msgs[0].seq);   // a duplicate
  wanted.push_back(999'999);       // unknown
  std::shuffle(wanted.begin(), wanted.end(), std::mt19937{7});

  auto payloads = f.db->load_payloads(wanted);
  REQUIRE(payloads.size() == 150);
  for (std::size_t k = 0; k < payloads.size(); ++k) {
    const auto& msg = msgs[2 * k];
    CHECK(payloads[k].first == msg.seq);
    CHECK(payloads[k].second == msg.payload);
  }
  CHECK(f.db->load_payloads({}).empty());
}

TEST_CASE("a failing insert_message writes nothing and the batch goes on", "[store][messages]") {
  store_fixture f;
  f.db->put_endpoint(make_endpoint("ep_b"));
  insert(*f.db, "msg_dup", at_ms(1), {"ep_a"});

  f.db->begin();
  auto dup = make_message("msg_dup", at_ms(2));
  auto dup_deliveries = make_deliveries(dup, {"ep_b"});
  try {
    f.db->insert_message(dup, dup_deliveries);
    FAIL("a duplicate message id was inserted");
  } catch (const error& e) {
    CHECK(e.what_kind() == error::kind::conflict);
  }
  auto good = make_message("msg_good", at_ms(3));
  auto good_deliveries = make_deliveries(good, {"ep_a", "ep_b"});
  f.db->insert_message(good, good_deliveries);
  f.db->commit();

  CHECK(f.db->find_message("msg_good"));
  CHECK(f.db->deliveries_of(good.seq).size() == 2);
  CHECK(f.db->load_pending("ep_b").size() == 1); // only msg_good's
  CHECK(f.db->load_pending("ep_a").size() == 2); // msg_dup's and msg_good's
}

TEST_CASE("SQLite: a message the database refuses writes nothing and the batch goes on",
          "[store][messages][sqlite]") {
  store_fixture f;
  f.db->begin();
  auto bad = make_message("msg_bad", no_time); // created_at is required
  auto bad_deliveries = make_deliveries(bad, {"ep_a"});
  CHECK_THROWS_AS(f.db->insert_message(bad, bad_deliveries), error);
  auto good = make_message("msg_good", at_ms(3));
  auto good_deliveries = make_deliveries(good, {"ep_a"});
  f.db->insert_message(good, good_deliveries);
  f.db->commit();
  CHECK_FALSE(f.db->find_message("msg_bad"));
  CHECK(f.db->find_message("msg_good"));
}

TEST_CASE("PostgreSQL: a message the database refuses is a conflict and ends the transaction",
          "[store][messages][postgres]") {
  store_fixture f;
  insert(*f.db, "msg_before", at_ms(1), {"ep_a"});
  f.db->begin();
  auto bad = make_message("msg_bad", no_time); // created_at is required
  auto bad_deliveries = make_deliveries(bad, {"ep_a"});
  try {
    f.db->insert_message(bad, bad_deliveries);
    FAIL("a message without created_at was inserted");
  } catch (const error& e) {
    CHECK(e.what_kind() == error::kind::conflict); // the request, not the database
  }
  auto good = make_message("msg_good", at_ms(3));
  auto good_deliveries = make_deliveries(good, {"ep_a"});
  CHECK_THROWS_WITH(f.db->insert_message(good, good_deliveries), Catch::Contains("rollback"));
  CHECK_THROWS(f.db->commit());
  // The writer's way: roll back, run the batch again without the refused call.
  f.db->begin();
  good_deliveries = make_deliveries(good, {"ep_a"});
  f.db->insert_message(good, good_deliveries);
  f.db->commit();
  CHECK_FALSE(f.db->find_message("msg_bad"));
  CHECK(f.db->find_message("msg_good"));
  CHECK(f.db->load_pending("ep_a").size() == 2);
}

TEST_CASE("rollback discards the transaction's writes", "[store][messages]") {
  store_fixture f;
  f.db->begin();
  auto msg = make_message("msg_1", at_ms(1));
  auto ds = make_deliveries(msg, {"ep_a"});
  f.db->insert_message(msg, ds);
  f.db->put_endpoint(make_endpoint("ep_a"));
  f.db->rollback();
  CHECK_FALSE(f.db->find_message("msg_1"));
  CHECK(f.db->load_endpoints().empty());
  CHECK(f.db->endpoints_with_pending().empty());
  f.db->rollback(); // nothing open: a no-op
}

TEST_CASE("a write that fails half-way leaves a transaction that can only be rolled back",
          "[store][messages]") {
  store_fixture f;
  insert(*f.db, "msg_before", at_ms(1), {"ep_a"});

  f.db->begin();
  auto msg = make_message("msg_half", at_ms(2));
  auto ds = make_deliveries(msg, {"ep_a", "ep_b"});
  ds[1].status = static_cast<delivery_status>(42); // fails after the message row was written
  CHECK_THROWS_WITH(f.db->insert_message(msg, ds), Catch::Contains("delivery_status"));
  auto other = make_message("msg_other", at_ms(3));
  std::vector<delivery_record> none;
  CHECK_THROWS_WITH(f.db->insert_message(other, none), Catch::Contains("rollback()"));
  CHECK_THROWS_WITH(f.db->commit(), Catch::StartsWith("commit:")); // and rolls back

  CHECK_FALSE(f.db->find_message("msg_half"));
  CHECK(f.db->load_pending("ep_a").size() == 1);
  insert(*f.db, "msg_after", at_ms(4), {"ep_a"}); // usable again
  CHECK(f.db->load_pending("ep_a").size() == 2);
}

TEST_CASE("write calls outside begin()/commit() commit on their own", "[store][messages]") {
  store_fixture f;
  f.db->put_endpoint(make_endpoint("ep_a"));
  f.db->put_endpoint(make_endpoint("ep_b"));
  auto msg = make_message("msg_1", at_ms(1));
  auto ds = make_deliveries(msg, {"ep_a", "ep_b"});
  f.db->insert_message(msg, ds);
  CHECK(f.db->delete_endpoint("ep_a", at_ms(2)));

  auto bad = make_message("msg_bad", at_ms(3));
  auto bad_ds = make_deliveries(bad, {"ep_b"});
  bad_ds[0].last_error = static_cast<attempt_error>(200);
  CHECK_THROWS_AS(f.db->insert_message(bad, bad_ds), error);

  f.reopen();
  CHECK(f.db->find_message("msg_1"));
  CHECK_FALSE(f.db->find_message("msg_bad"));
  CHECK(f.db->load_pending("ep_b").size() == 1);
  CHECK(f.db->load_pending("ep_a").empty());
  CHECK_FALSE(f.db->find_endpoint("ep_a"));
}

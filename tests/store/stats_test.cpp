#include "tests/store/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <random>

#include <sqlite3.h>

using namespace hookd;
using namespace hookd::store;
using namespace hookd::store::testing;

namespace {

void attempt(hookd::store::store& db, const delivery_record& d, time_point at,
             attempt_outcome outcome, const delivery_update& u) {
  auto a = make_attempt(d, at);
  a.outcome = outcome;
  db.begin();
  db.record_attempt(a, u);
  db.commit();
}

endpoint_stats stats(hookd::store::store& db, const std::string& id) {
  std::vector<std::string> ids{id};
  auto all = db.stats_of(ids);
  REQUIRE(all.size() == 1);
  CHECK(all[0].first == id);
  return all[0].second;
}

void check_counts(const endpoint_stats& s, std::int64_t pending, std::int64_t delivered,
                  std::int64_t failed) {
  CHECK(s.pending == pending);
  CHECK(s.delivered == delivered);
  CHECK(s.failed == failed);
}

} // namespace

/// What for_each_attempt_since visits, in order.
struct visited {
  std::string endpoint_id;
  time_point at;
  attempt_outcome outcome;
  bool operator==(const visited&) const = default;
};

std::vector<visited> attempts_since(hookd::store::store& db, time_point since,
                                    duration longest_attempt) {
  std::vector<visited> out;
  db.for_each_attempt_since(since, longest_attempt,
                            [&](const std::string& id, time_point at, attempt_outcome o) {
                              out.push_back({id, at, o});
                            });
  return out;
}

TEST_CASE("stats_of counts deliveries by status per endpoint, for_each_attempt_since visits "
          "the recent attempts",
          "[store][stats]") {
  store_fixture f;
  auto m1 = insert(*f.db, "msg_1", at_ms(1), {"ep_a", "ep_b"});
  auto m2 = insert(*f.db, "msg_2", at_ms(2), {"ep_a"});
  auto m3 = insert(*f.db, "msg_3", at_ms(3), {"ep_a"});
  auto m4 = insert(*f.db, "msg_4", at_ms(4), {"ep_a"});
  auto m5 = insert(*f.db, "msg_5", at_ms(5), {"ep_a"});
  auto m6 = insert(*f.db, "msg_6", at_ms(6), {"ep_a", "ep_b"});
  auto m7 = insert(*f.db, "msg_7", at_ms(7), {"ep_b"});
  using enum attempt_outcome;
  auto delivered = [](const delivery_record& d, time_point at) {
    return final_state(d, delivery_status::delivered, failure_reason::none, at);
  };
  auto failed = [](const delivery_record& d, time_point at) {
    return final_state(d, delivery_status::failed, failure_reason::exhausted, at);
  };
  attempt(*f.db, m1.deliveries[0], at_ms(100), success, delivered(m1.deliveries[0], at_ms(100)));
  attempt(*f.db, m2.deliveries[0], at_ms(199), failure, failed_once(m2.deliveries[0], at_ms(199)));
  attempt(*f.db, m3.deliveries[0], at_ms(200), success, delivered(m3.deliveries[0], at_ms(200)));
  attempt(*f.db, m4.deliveries[0], at_ms(250), permanent, failed(m4.deliveries[0], at_ms(250)));
  attempt(*f.db, m5.deliveries[0], at_ms(300), failure, failed_once(m5.deliveries[0], at_ms(300)));
  apply(*f.db, delivered(m6.deliveries[0], at_ms(310))); // no attempt (e.g. an import)
  apply(*f.db, failed(m6.deliveries[1], at_ms(310)));
  // The record claims another endpoint: the attempt belongs to its delivery's endpoint.
  auto misfiled = make_attempt(m7.deliveries[0], at_ms(260));
  misfiled.endpoint_id = "ep_a";
  misfiled.outcome = success;
  f.db->begin();
  f.db->record_attempt(misfiled, delivered(m7.deliveries[0], at_ms(260)));
  f.db->commit();
  CHECK(f.db->attempts_of("msg_7").at(0).endpoint_id == "ep_b");

  std::vector<std::string> ids{"ep_unknown", "ep_b", "ep_a"};
  auto all = f.db->stats_of(ids);
  REQUIRE(all.size() == 3);
  CHECK(all[0].first == "ep_unknown"); // in the order asked, zeros for ids without rows
  check_counts(all[0].second, 0, 0, 0);
  CHECK(all[1].first == "ep_b");
  check_counts(all[1].second, 1, 1, 1); // msg_1 pending, msg_7 delivered, msg_6 failed
  CHECK(all[2].first == "ep_a");
  check_counts(all[2].second, 2, 3, 1); // msg_2, msg_5 | msg_1, msg_3, msg_6 | msg_4
  CHECK(f.db->stats_of({}).empty());

  // The attempts were logged in the order 100, 199, 200, 250, 300, 260 (the misfiled one
  // last), so the scan, newest logged first, sees 260, 300, 250, 200, 199, 100.
  struct row {
    std::int64_t since_ms;
    std::int64_t longest_ms;
    std::vector<visited> seen;
  };
  const std::vector<row> rows{
      // At or after `since` (the boundary counts), with the endpoint of the attempt's
      // delivery; 200 and 199 are skipped, 100 (older than 250 - 100) ends the scan.
      {250, 100, {{"ep_b", at_ms(260), success}, {"ep_a", at_ms(300), failure},
                  {"ep_a", at_ms(250), permanent}}},
      {199, 1000, {{"ep_b", at_ms(260), success}, {"ep_a", at_ms(300), failure},
                   {"ep_a", at_ms(250), permanent}, {"ep_a", at_ms(200), success},
                   {"ep_a", at_ms(199), failure}}},
      {301, 1000, {}},
      // 200 is older than 250 - 0: the scan ends there.
      {250, 0, {{"ep_b", at_ms(260), success}, {"ep_a", at_ms(300), failure},
                {"ep_a", at_ms(250), permanent}}},
      // 260 comes first and is older than 280 - 0: the scan ends before 300, although 300 is
      // in range. The margin for attempts logged out of start order exists for this.
      {280, 0, {}},
      {280, 50, {{"ep_a", at_ms(300), failure}}},
  };
  for (const auto& r : rows) {
    INFO("since " << r.since_ms << " ms, longest attempt " << r.longest_ms << " ms");
    CHECK(attempts_since(*f.db, at_ms(r.since_ms), std::chrono::milliseconds{r.longest_ms}) ==
          r.seen);
  }

  // Status changes move deliveries between the counts; history outlives the endpoint.
  f.db->begin();
  CHECK(f.db->fail_pending("ep_a", failure_reason::endpoint_disabled, at_ms(400)) == 2);
  f.db->commit();
  check_counts(stats(*f.db, "ep_a"), 0, 3, 3);
  f.db->put_endpoint(make_endpoint("ep_a"));
  CHECK(f.db->requeue_message(m4.msg.seq, at_ms(500)).size() == 1);
  check_counts(stats(*f.db, "ep_a"), 1, 3, 2);
  CHECK(f.db->delete_endpoint("ep_a", at_ms(600)));
  check_counts(stats(*f.db, "ep_a"), 0, 3, 3);
  CHECK(attempts_since(*f.db, at_ms(0), std::chrono::hours{1}).size() == 6); // history stays

  f.reopen();
  check_counts(stats(*f.db, "ep_a"), 0, 3, 3);
  check_counts(stats(*f.db, "ep_b"), 1, 1, 1);
}

TEST_CASE("stats_of follows purges, rollbacks and the writer's open transaction",
          "[store][stats]") {
  store_fixture f;
  auto reader = f.open_reader();

  f.db->put_endpoint(make_endpoint("ep_b"));
  std::vector<inserted> ms;
  for (int i = 0; i < 3; ++i)
    ms.push_back(insert(*f.db, "msg_" + std::to_string(i), at_ms(i), {"ep_a"}));
  for (auto& m : ms)
    attempt(
        *f.db, m.deliveries[0], at_ms(100), attempt_outcome::success,
        final_state(m.deliveries[0], delivery_status::delivered, failure_reason::none, at_ms(100)));
  check_counts(stats(*reader, "ep_a"), 0, 3, 0);

  f.db->begin();
  CHECK(f.db->purge_finished(at_ms(1000), 2) == 2);
  f.db->commit();
  check_counts(stats(*reader, "ep_a"), 0, 1, 0);
  CHECK(attempts_since(*reader, at_ms(0), std::chrono::hours{1}).size() == 1); // purged with them

  // The writer sees its own uncommitted inserts; readers do not; a rollback forgets them.
  f.db->begin();
  auto msg = make_message("msg_open", at_ms(200));
  auto ds = make_deliveries(msg, {"ep_a", "ep_b"});
  f.db->insert_message(msg, ds);
  f.db->update_delivery(
      final_state(ds[1], delivery_status::delivered, failure_reason::none, at_ms(201)));
  check_counts(stats(*f.db, "ep_a"), 1, 1, 0);
  check_counts(stats(*f.db, "ep_b"), 0, 1, 0);
  check_counts(stats(*reader, "ep_a"), 0, 1, 0);
  check_counts(stats(*reader, "ep_b"), 0, 0, 0);
  f.db->rollback();
  check_counts(stats(*f.db, "ep_a"), 0, 1, 0);
  check_counts(stats(*f.db, "ep_b"), 0, 0, 0);

  // A failing insert in a transaction counts nothing; the rest of the batch does.
  f.db->begin();
  auto dup = make_message("msg_2", at_ms(300)); // exists
  auto dup_ds = make_deliveries(dup, {"ep_a", "ep_a"});
  CHECK_THROWS_AS(f.db->insert_message(dup, dup_ds), error);
  f.db->insert_message(msg, ds);
  f.db->commit();
  check_counts(stats(*reader, "ep_a"), 1, 1, 0);
  check_counts(stats(*reader, "ep_b"), 1, 0, 0);

  // A write call outside begin()/commit() counts in its own transaction.
  auto alone = make_message("msg_alone", at_ms(400));
  auto alone_ds = make_deliveries(alone, {"ep_b"});
  f.db->insert_message(alone, alone_ds);
  check_counts(stats(*reader, "ep_b"), 2, 0, 0);
  CHECK_THROWS_AS(f.db->insert_message(alone, alone_ds), error); // a duplicate: counts nothing
  check_counts(stats(*reader, "ep_b"), 2, 0, 0);
}

TEST_CASE("stats_of agrees with the deliveries after a random mix of writes", "[store][stats]") {
  store_fixture f;
  const std::vector<std::string> endpoints{"ep_a", "ep_b", "ep_c"};
  for (const auto& ep : endpoints)
    f.db->put_endpoint(make_endpoint(ep));
  std::mt19937 rng{11};
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::vector<std::int64_t> seqs;
  std::int64_t clock = 0;
  std::size_t purged = 0; // messages, by committed rounds

  for (int round = 0; round < 40; ++round) {
    std::vector<std::int64_t> added; // a rolled-back round's seqs are handed out again
    std::size_t round_purged = 0;
    f.db->begin();
    for (int i = 0; i < 10; ++i) {
      ++clock;
      auto msg = make_message("msg_" + std::to_string(clock), at_ms(clock));
      std::vector<std::string> targets;
      for (const auto& ep : endpoints)
        if (pick(3) != 0)
          targets.push_back(ep);
      auto ds = make_deliveries(msg, targets);
      f.db->insert_message(msg, ds);
      added.push_back(msg.seq);
      for (auto& d : ds) {
        switch (pick(4)) {
          case 0:
            break; // stays pending
          case 1:
            f.db->update_delivery(
                final_state(d, delivery_status::delivered, failure_reason::none, at_ms(clock)));
            break;
          case 2:
            f.db->update_delivery(
                final_state(d, delivery_status::failed, failure_reason::exhausted, at_ms(clock)));
            break;
          default: {
            auto a = make_attempt(d, at_ms(clock));
            f.db->record_attempt(a, failed_once(d, at_ms(clock)));
          }
        }
      }
    }
    switch (pick(5)) {
      case 0:
        round_purged = f.db->purge_finished(at_ms(clock), static_cast<std::size_t>(pick(8)));
        break;
      case 1:
        f.db->fail_pending(endpoints[static_cast<std::size_t>(pick(3))],
                           failure_reason::endpoint_disabled, at_ms(clock));
        break;
      case 2:
        if (!seqs.empty())
          f.db->requeue_message(seqs[static_cast<std::size_t>(pick(static_cast<int>(seqs.size())))],
                                at_ms(clock));
        break;
      default:
        break;
    }
    if (pick(4) == 0) {
      f.db->rollback();
    } else {
      f.db->commit();
      seqs.insert(seqs.end(), added.begin(), added.end());
      purged += round_purged;
    }
  }

  CHECK(purged > 0);
  std::map<std::string, endpoint_stats> expected;
  for (auto seq : seqs) {
    auto ds = f.db->deliveries_of(seq);
    for (const auto& d : ds) {
      auto& e = expected[d.endpoint_id];
      (d.status == delivery_status::pending     ? e.pending
       : d.status == delivery_status::delivered ? e.delivered
                                                : e.failed) += 1;
    }
  }
  auto all = f.db->stats_of(endpoints);
  REQUIRE(all.size() == 3);
  for (const auto& [id, s] : all) {
    INFO(id);
    check_counts(s, expected[id].pending, expected[id].delivered, expected[id].failed);
    CHECK(s.pending + s.delivered + s.failed > 0);
  }
}

TEST_CASE("the stats queries are index searches, not scans of the history", "[store][stats][sqlite]") {
  // Guards the schema: an endpoint's counts must not read its delivered rows.
  store_fixture f;
  f.db.reset();
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(f.path.c_str(), &db) == SQLITE_OK);
  auto plan = [&](const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &s, nullptr) ==
            SQLITE_OK);
    std::string text;
    while (sqlite3_step(s) == SQLITE_ROW)
      text += reinterpret_cast<const char*>(sqlite3_column_text(s, 3)) + std::string{"\n"};
    sqlite3_finalize(s);
    return text;
  };
  CHECK_THAT(plan("SELECT deliveries FROM delivery_totals WHERE endpoint_id = 'ep_a'"),
             Catch::Contains("PRIMARY KEY"));
  CHECK_THAT(plan("SELECT count(*) FROM deliveries WHERE endpoint_id = 'ep_a' AND status = 2"),
             Catch::Contains("deliveries_failed"));
  sqlite3_close(db);
}

TEST_CASE("counts: pending by due time and endpoints by status", "[store][stats]") {
  store_fixture f;
  auto on = make_endpoint("ep_on");
  on.status = endpoint_status::enabled;
  auto off = make_endpoint("ep_off");
  off.status = endpoint_status::disabled;
  f.db->put_endpoint(on);
  f.db->put_endpoint(off);
  const auto now = at_ms(1'000'000);
  const std::int64_t offsets_ms[] = {-5000, 0, 30'000, 300'000, 1'800'000, 7'200'000};
  for (auto offset : offsets_ms) {
    message_record m;
    m.id = "msg_" + std::to_string(offset);
    m.event_type = "t";
    m.payload = "{}";
    m.created_at = now;
    std::vector<delivery_record> d(1);
    d[0].endpoint_id = "ep_on";
    d[0].next_attempt_at = now + duration{offset};
    f.db->insert_message(m, d);
  }
  const auto c = f.db->counts(now);
  CHECK(c.pending == 6);
  CHECK(c.pending_by_due == std::array<std::int64_t, 5>{2, 1, 1, 1, 1});
  CHECK(c.endpoints_enabled == 1);
  CHECK(c.endpoints_disabled == 1);
}

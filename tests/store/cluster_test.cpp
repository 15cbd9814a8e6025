// Cluster mode's membership in PostgreSQL (store/postgres/pg_cluster.hpp) and the fencing of an
// owner's writes (store::hold_leases).
#include "policy/cluster_partition.hpp"
#include "store/postgres/pg_cluster.hpp"
#include "store/postgres/pg_notifications.hpp"
#include "tests/store/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>

using namespace hookd;
using namespace hookd::store;
using namespace hookd::store::testing;
using namespace std::chrono_literals;

namespace {

/// The figures a node reports at its heartbeats.
cluster_node facts(time_point started_at, const std::string& version, std::int64_t owned,
                   std::int64_t attempts_5m = 0, std::int64_t failed_5m = 0) {
  cluster_node n;
  n.started_at = started_at;
  n.version = version;
  n.endpoints_owned = owned;
  n.attempts_5m = attempts_5m;
  n.failed_5m = failed_5m;
  return n;
}

std::vector<std::uint32_t> parts_of(const std::vector<lease_token>& tokens) {
  std::vector<std::uint32_t> out;
  for (const auto& t : tokens)
    out.push_back(static_cast<std::uint32_t>(t.part));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::uint32_t> range(std::uint32_t first, std::uint32_t last) {
  std::vector<std::uint32_t> out;
  for (auto p = first; p <= last; ++p)
    out.push_back(p);
  return out;
}

} // namespace

TEST_CASE("a heartbeat makes a node live, and the 256 leases start free", "[store][cluster][postgres]") {
  store_fixture f;
  pg_cluster_store a{f.conninfo, "node-a", 10s};
  auto report = a.heartbeat(facts(at_ms(5), "1.2.3", 7, 40, 9), {});
  CHECK(report.held.empty());
  REQUIRE(report.leases.size() == 256);
  CHECK(std::all_of(report.leases.begin(), report.leases.end(),
                    [](const auto& l) { return l.owner.empty() && l.expired; }));
  REQUIRE(report.live_nodes.size() == 1);
  CHECK(report.live_nodes[0].node_id == "node-a");
  CHECK(report.live_nodes[0].started_at == at_ms(5));
  CHECK(report.live_nodes[0].version == "1.2.3");
  CHECK(report.live_nodes[0].endpoints_owned == 7);
  CHECK(report.live_nodes[0].attempts_5m == 40);
  CHECK(report.live_nodes[0].failed_5m == 9);
  CHECK(report.live_nodes[0].last_heartbeat_at != no_time);
}

TEST_CASE("two nodes claiming the same partitions: each is won once and renewed by its owner",
          "[store][cluster][postgres]") {
  store_fixture f;
  pg_cluster_store a{f.conninfo, "node-a", 10s};
  pg_cluster_store b{f.conninfo, "node-b", 10s};
  auto won_a = a.claim(range(0, 9));
  auto won_b = b.claim(range(5, 14));
  CHECK(parts_of(won_a) == range(0, 9));
  CHECK(parts_of(won_b) == range(10, 14));
  CHECK(std::all_of(won_a.begin(), won_a.end(), [](const auto& t) { return t.epoch == 1; }));

  auto report = b.heartbeat(facts(at_ms(1), "v", 0), range(10, 14));
  CHECK(parts_of(report.held) == range(10, 14));
  CHECK(report.leases[3].owner == "node-a");
  CHECK_FALSE(report.leases[3].expired);
  CHECK(report.live_nodes.size() == 1); // node-a has claimed but never beaten
}

TEST_CASE("a released partition is claimed by another node under a new epoch",
          "[store][cluster][postgres]") {
  store_fixture f;
  pg_cluster_store a{f.conninfo, "node-a", 10s};
  pg_cluster_store b{f.conninfo, "node-b", 10s};
  REQUIRE(parts_of(a.claim({3})) == std::vector<std::uint32_t>{3});
  CHECK(b.claim({3}).empty());
  a.release({3});
  auto won = b.claim({3});
  REQUIRE(won.size() == 1);
  CHECK(won[0].epoch == 2);
  CHECK(a.heartbeat(facts(at_ms(1), "v", 0), {3}).held.empty());
}

TEST_CASE("a lease not renewed expires: another node takes it, and the old owner renews nothing",
          "[store][cluster][postgres]") {
  store_fixture f;
  pg_cluster_store a{f.conninfo, "node-a", 300ms};
  pg_cluster_store b{f.conninfo, "node-b", 300ms};
  REQUIRE(a.claim({1, 2}).size() == 2);
  CHECK(b.claim({1}).empty()); // still held
  std::this_thread::sleep_for(400ms);
  auto won = b.claim({1});
  REQUIRE(won.size() == 1);
  CHECK(won[0].epoch == 2);
  auto report = a.heartbeat(facts(at_ms(1), "v", 0), {1, 2});
  CHECK(report.held.empty()); // 2 expired too: claimed again, never renewed
  CHECK(report.leases[2].expired);
}

TEST_CASE("a heartbeat gives back leases under its node id that the process does not hold",
          "[store][cluster][postgres]") {
  store_fixture f;
  {
    pg_cluster_store before_restart{f.conninfo, "node-a", 10s};
    REQUIRE(before_restart.claim({5, 6}).size() == 2);
  } // the process restarts with the same node id, well within lease_ttl
  pg_cluster_store a{f.conninfo, "node-a", 10s};
  pg_cluster_store b{f.conninfo, "node-b", 10s};
  auto report = a.heartbeat(facts(at_ms(1), "v", 0), {});
  CHECK(report.held.empty());
  CHECK(report.leases[5].owner.empty());
  CHECK(parts_of(b.claim({5, 6})) == std::vector<std::uint32_t>{5, 6});
}

TEST_CASE("the leader lock belongs to one node and passes on when its session ends",
          "[store][cluster][postgres]") {
  store_fixture f;
  auto a = std::make_unique<pg_cluster_store>(f.conninfo, "node-a", 10s);
  pg_cluster_store b{f.conninfo, "node-b", 10s};
  CHECK(a->heartbeat(facts(at_ms(1), "v", 0), {}).leader);
  CHECK_FALSE(b.heartbeat(facts(at_ms(1), "v", 0), {}).leader);
  CHECK(a->heartbeat(facts(at_ms(1), "v", 0), {}).leader);
  a.reset(); // the node dies: its session ends
  CHECK(b.heartbeat(facts(at_ms(1), "v", 0), {}).leader);
}

TEST_CASE("leave frees every lease and the node is no longer live", "[store][cluster][postgres]") {
  store_fixture f;
  pg_cluster_store a{f.conninfo, "node-a", 10s};
  pg_cluster_store b{f.conninfo, "node-b", 10s};
  a.heartbeat(facts(at_ms(1), "v", 0), {});
  REQUIRE(a.claim(range(0, 3)).size() == 4);
  a.leave();
  auto report = b.heartbeat(facts(at_ms(1), "v", 0), {});
  REQUIRE(report.live_nodes.size() == 1);
  CHECK(report.live_nodes[0].node_id == "node-b");
  CHECK(parts_of(b.claim(range(0, 3))) == range(0, 3));
}

TEST_CASE("fencing: writes under a lease commit only while the lease is held with that epoch",
          "[store][cluster][postgres]") {
  store_fixture f;
  pg_cluster_store a{f.conninfo, "node-a", 300ms};
  pg_cluster_store b{f.conninfo, "node-b", 300ms};
  auto won = a.claim({7, 8});
  REQUIRE(won.size() == 2);
  const lease_token t7 = won[0].part == 7 ? won[0] : won[1];

  f.db->begin();
  CHECK(f.db->hold_leases("node-a", std::vector{t7}).empty());
  CHECK(f.db->hold_leases("node-b", std::vector{t7}).size() == 1); // not b's
  lease_token stale = t7;
  stale.epoch = 0;
  CHECK(f.db->hold_leases("node-a", std::vector{stale}).size() == 1); // an older epoch
  f.db->commit();

  std::this_thread::sleep_for(400ms); // a stalled: its leases expire and b takes 7
  REQUIRE(b.claim({7}).size() == 1);
  f.db->begin();
  auto lost = f.db->hold_leases("node-a", std::vector{t7});
  REQUIRE(lost.size() == 1);
  CHECK(lost[0] == t7);
  f.db->rollback();
}

TEST_CASE("fencing: a claim waits for the transaction holding the lease, then wins",
          "[store][cluster][postgres]") {
  store_fixture f;
  pg_cluster_store a{f.conninfo, "node-a", 500ms};
  auto won = a.claim({9});
  REQUIRE(won.size() == 1);
  f.db->begin();
  REQUIRE(f.db->hold_leases("node-a", won).empty());
  std::this_thread::sleep_for(600ms); // expired now, but held by the open transaction
  std::atomic<bool> committed{false};
  auto claim = std::async(std::launch::async, [&] {
    pg_cluster_store b{f.conninfo, "node-b", 500ms};
    auto got = b.claim({9});
    return std::make_pair(got.size(), committed.load());
  });
  CHECK(claim.wait_for(300ms) == std::future_status::timeout); // blocked by FOR SHARE
  committed = true;
  f.db->commit();
  auto [n, after_commit] = claim.get();
  CHECK(n == 1);
  CHECK(after_commit);
}

TEST_CASE("hold_leases of no fenced token is free on every store", "[store][cluster]") {
  store_fixture f;
  f.db->begin();
  CHECK(f.db->hold_leases("node-a", std::vector<lease_token>{lease_token{}}).empty());
  f.db->commit();
}

TEST_CASE("announcement payloads round-trip and stay under the size limit", "[store][cluster]") {
  std::vector<seq_in_part> items;
  for (std::int64_t i = 1; i <= 2000; ++i)
    items.push_back({i * 1000003, static_cast<std::uint32_t>(i % 256)});
  auto payloads = encode_deliveries("node-a", items, 7900);
  CHECK(payloads.size() > 1);
  std::vector<seq_in_part> back;
  for (const auto& p : payloads) {
    CHECK(p.size() <= 7900);
    auto decoded = decode_deliveries(p);
    REQUIRE(decoded);
    CHECK(decoded->first == "node-a");
    back.insert(back.end(), decoded->second.begin(), decoded->second.end());
  }
  CHECK(back == items);

  auto ids = encode_endpoints("node-b", {"ep_1", "ep_2"});
  REQUIRE(ids.size() == 1);
  auto decoded = decode_endpoints(ids[0]);
  REQUIRE(decoded);
  CHECK(decoded->first == "node-b");
  CHECK(decoded->second == std::vector<std::string>{"ep_1", "ep_2"});

  CHECK_FALSE(decode_deliveries("no newline"));
  CHECK_FALSE(decode_deliveries("node\n12:x"));
  CHECK_FALSE(decode_deliveries("\n1:2"));
}

TEST_CASE("a committed transaction announces its work and endpoints, a rolled back one nothing",
          "[store][cluster][postgres]") {
  store_fixture f;
  notification_listener listener{f.conninfo};
  postgres_options announcing;
  announcing.node_id = "node-a";
  auto db = open_postgres_store(f.conninfo, announcing);
  db->put_endpoint(make_endpoint("ep_x"));

  db->begin();
  auto rolled = make_message("msg_rolled", at_ms(1));
  auto rolled_ds = make_deliveries(rolled, {"ep_x"});
  db->insert_message(rolled, rolled_ds);
  db->rollback();

  db->begin();
  auto msg = make_message("msg_1", at_ms(2));
  auto ds = make_deliveries(msg, {"ep_x"});
  db->insert_message(msg, ds);
  db->commit();

  std::vector<notification> got;
  for (int i = 0; i < 20 && got.size() < 2; ++i) {
    auto more = listener.wait(100);
    got.insert(got.end(), more.begin(), more.end());
  }
  REQUIRE(got.size() == 2);
  CHECK(got[0].channel == endpoints_channel); // the put, in its own transaction
  auto endpoints = decode_endpoints(got[0].payload);
  REQUIRE(endpoints);
  CHECK(endpoints->second == std::vector<std::string>{"ep_x"});
  CHECK(got[1].channel == deliveries_channel);
  auto work = decode_deliveries(got[1].payload);
  REQUIRE(work);
  CHECK(work->first == "node-a");
  REQUIRE(work->second.size() == 1);
  CHECK(work->second[0].message_seq == msg.seq);
  CHECK(work->second[0].part == hookd::policy::partition_of("ep_x"));
  CHECK(listener.wait(100).empty()); // nothing from the rolled back one
}

TEST_CASE("PostgreSQL: a writer transaction left idle past idle_transaction_timeout ends, and "
          "its row locks with it",
          "[store][postgres][cluster]") {
  store_fixture f;
  auto m = insert(*f.db, "msg_1", at_ms(10), {"ep_a"});
  postgres_options frozen_options;
  frozen_options.idle_transaction_timeout = 300ms;
  auto frozen = open_postgres_store(f.conninfo, frozen_options);
  frozen->begin();
  frozen->update_delivery(failed_once(m.deliveries[0], at_ms(11))); // locks the delivery's row
  std::this_thread::sleep_for(800ms); // the node is frozen half-way through its batch

  // The node that took over writes the same row without waiting for the frozen one.
  f.db->begin();
  f.db->update_delivery(
      final_state(m.deliveries[0], delivery_status::delivered, failure_reason::none, at_ms(20)));
  f.db->commit();
  CHECK_THROWS_AS(frozen->commit(), error); // its session was ended: nothing of it committed
  CHECK(f.db->deliveries_of(m.msg.seq)[0].status == delivery_status::delivered);

  // Running again, it connects again.
  frozen->begin();
  CHECK(frozen->find_endpoint("ep_a"));
  frozen->commit();
}

#include "tests/store/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

using namespace hookd;
using namespace hookd::store;
using namespace hookd::store::testing;

namespace {

void put(hookd::store::store& db, const endpoint_record& ep) {
  db.begin();
  db.put_endpoint(ep);
  db.commit();
}

void require_same(const endpoint_record& a, const endpoint_record& b) {
  CHECK(a.id == b.id);
  CHECK(a.url == b.url);
  CHECK(a.description == b.description);
  CHECK(a.event_types == b.event_types);
  CHECK(a.secret == b.secret);
  CHECK(a.previous_secret == b.previous_secret);
  CHECK(a.previous_secret_expires_at == b.previous_secret_expires_at);
  CHECK(a.scheme == b.scheme);
  CHECK(a.rate_limit_per_s == b.rate_limit_per_s);
  CHECK(a.max_concurrency == b.max_concurrency);
  CHECK(a.timeout_ms == b.timeout_ms);
  CHECK(a.status == b.status);
  CHECK(a.reason == b.reason);
  CHECK(a.failing_since == b.failing_since);
  CHECK(a.created_at == b.created_at);
  CHECK(a.updated_at == b.updated_at);
}

} // namespace

TEST_CASE("an endpoint put comes back from find and load with every field", "[store][endpoints]") {
  store_fixture f;
  auto ep = make_endpoint("ep_a");
  put(*f.db, ep);

  auto found = f.db->find_endpoint("ep_a");
  REQUIRE(found);
  require_same(*found, ep);

  auto all = f.db->load_endpoints();
  REQUIRE(all.size() == 1);
  require_same(all[0], ep);
}

TEST_CASE("an endpoint with default fields round-trips (empty filter, unset times)",
          "[store][endpoints]") {
  store_fixture f;
  endpoint_record ep;
  ep.id = "ep_plain";
  ep.url = "http://127.0.0.1:9/";
  put(*f.db, ep);
  auto found = f.db->find_endpoint("ep_plain");
  REQUIRE(found);
  require_same(*found, ep);
  CHECK(found->event_types.empty());
  CHECK(found->failing_since == no_time);
}

TEST_CASE("put_endpoint replaces an endpoint with the same id", "[store][endpoints]") {
  store_fixture f;
  auto ep = make_endpoint("ep_a");
  put(*f.db, ep);
  ep.url = "https://example.test/v2";
  ep.event_types = {};
  ep.scheme = signature_scheme::standard;
  ep.updated_at = at_ms(99);
  put(*f.db, ep);

  auto all = f.db->load_endpoints();
  REQUIRE(all.size() == 1);
  require_same(all[0], ep);
}

TEST_CASE("load_endpoints returns every endpoint", "[store][endpoints]") {
  store_fixture f;
  for (auto id : {"ep_c", "ep_a", "ep_b"})
    put(*f.db, make_endpoint(id));
  auto all = f.db->load_endpoints();
  REQUIRE(all.size() == 3);
  CHECK(all[0].id == "ep_a");
  CHECK(all[1].id == "ep_b");
  CHECK(all[2].id == "ep_c");
}

TEST_CASE("list_endpoints pages through the endpoints by id with a cursor", "[store][endpoints]") {
  store_fixture f;
  std::vector<std::string> ids;
  for (int i = 0; i < 25; ++i)
    ids.push_back("ep_" + std::string(i < 10 ? "0" : "") + std::to_string(i));
  std::vector<std::string> shuffled = ids;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937{3});
  f.db->begin();
  for (const auto& id : shuffled)
    f.db->put_endpoint(make_endpoint(id));
  f.db->commit();

  std::vector<std::size_t> page_sizes;
  std::vector<std::string> seen;
  std::string cursor; // empty: from the start
  for (;;) {
    auto page = f.db->list_endpoints(cursor, 10);
    page_sizes.push_back(page.size());
    if (page.empty())
      break;
    for (const auto& ep : page) {
      seen.push_back(ep.id);
      CHECK(ep.url == "https://example.test/hooks/" + ep.id); // whole records
    }
    cursor = page.back().id;
  }
  CHECK(page_sizes == std::vector<std::size_t>{10, 10, 5, 0});
  CHECK(seen == ids);

  auto first = f.db->list_endpoints("", 10);
  REQUIRE(first.size() == 10);
  require_same(first[0], make_endpoint("ep_00"));
  CHECK(f.db->list_endpoints("ep_19", 10).size() == 5);  // strictly after the cursor
  CHECK(f.db->list_endpoints("ep_195", 10).size() == 5); // a cursor need not exist any more
  CHECK(f.db->list_endpoints("ep_24", 10).empty());
  CHECK(f.db->list_endpoints("", 0).empty());
  CHECK(f.db->list_endpoints("", 1000).size() == 25);

  // An endpoint deleted between pages does not disturb the rest of the walk.
  auto page = f.db->list_endpoints("", 10);
  CHECK(f.db->delete_endpoint("ep_10", at_ms(5)));
  auto next = f.db->list_endpoints(page.back().id, 10);
  REQUIRE(next.size() == 10);
  CHECK(next.front().id == "ep_11");
  CHECK(next.back().id == "ep_20");
}

TEST_CASE("set_endpoint_status and set_failing_since persist", "[store][endpoints]") {
  store_fixture f;
  put(*f.db, make_endpoint("ep_a"));

  f.db->begin();
  f.db->set_endpoint_status("ep_a", endpoint_status::disabled, disabled_reason::gone, at_ms(500));
  f.db->set_failing_since("ep_a", at_ms(400));
  f.db->commit();
  f.reopen();

  auto ep = f.db->find_endpoint("ep_a");
  REQUIRE(ep);
  CHECK(ep->status == endpoint_status::disabled);
  CHECK(ep->reason == disabled_reason::gone);
  CHECK(ep->updated_at == at_ms(500));
  CHECK(ep->failing_since == at_ms(400));

  f.db->begin();
  f.db->set_endpoint_status("ep_a", endpoint_status::enabled, disabled_reason::none, at_ms(600));
  f.db->set_failing_since("ep_a", no_time);
  f.db->commit();
  ep = f.db->find_endpoint("ep_a");
  REQUIRE(ep);
  CHECK(ep->status == endpoint_status::enabled);
  CHECK(ep->reason == disabled_reason::none);
  CHECK(ep->failing_since == no_time);
}

TEST_CASE("status changes for an unknown endpoint change nothing", "[store][endpoints]") {
  store_fixture f;
  f.db->begin();
  f.db->set_endpoint_status("ep_nope", endpoint_status::disabled, disabled_reason::manual,
                            at_ms(1));
  f.db->set_failing_since("ep_nope", at_ms(1));
  f.db->commit();
  CHECK(f.db->load_endpoints().empty());
}

TEST_CASE("delete_endpoint removes the endpoint and fails its pending deliveries",
          "[store][endpoints]") {
  store_fixture f;
  put(*f.db, make_endpoint("ep_a"));
  put(*f.db, make_endpoint("ep_b"));
  auto m = insert(*f.db, "msg_1", at_ms(10), {"ep_a", "ep_b"});

  f.db->begin();
  CHECK(f.db->delete_endpoint("ep_a", at_ms(20)));
  f.db->commit();

  CHECK_FALSE(f.db->find_endpoint("ep_a"));
  CHECK(f.db->find_endpoint("ep_b"));
  CHECK(f.db->load_pending("ep_a").empty());
  CHECK(f.db->endpoints_with_pending() == std::vector<std::string>{"ep_b"});

  auto ds = f.db->deliveries_of(m.msg.seq);
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].endpoint_id == "ep_a"); // the history stays
  CHECK(ds[0].status == delivery_status::failed);
  CHECK(ds[0].reason == failure_reason::endpoint_deleted);
  CHECK(ds[0].updated_at == at_ms(20));
  CHECK(ds[1].status == delivery_status::pending);
}

TEST_CASE("deleting an unknown endpoint returns false", "[store][endpoints]") {
  store_fixture f;
  f.db->begin();
  CHECK_FALSE(f.db->delete_endpoint("ep_nope", at_ms(1)));
  f.db->commit();
}

TEST_CASE("find_endpoint of an unknown id is empty", "[store][endpoints]") {
  store_fixture f;
  CHECK_FALSE(f.db->find_endpoint("ep_nope"));
  CHECK(f.db->load_endpoints().empty());
}

// list_messages and list_attempts: filters, newest-first pages, cursors, and the bounded read
// of a scanning filter (a short page that still says where to go on).
#include "tests/store/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace hookd;
using namespace hookd::store;
using namespace hookd::store::testing;

namespace {

/// Every page of `f`, following next_before until it is 0; the ids in order.
std::vector<std::string> all_pages(store::store& db, message_filter f, std::size_t limit,
                                   std::size_t scan_limit, std::size_t* pages = nullptr) {
  std::vector<std::string> ids;
  std::size_t n = 0;
  for (;;) {
    auto page = db.list_messages(f, limit, scan_limit);
    ++n;
    REQUIRE(page.messages.size() <= limit);
    for (const auto& m : page.messages)
      ids.push_back(m.id);
    if (page.next_before == 0)
      break;
    REQUIRE((f.before_seq == 0 || page.next_before < f.before_seq));
    f.before_seq = page.next_before;
  }
  if (pages)
    *pages = n;
  return ids;
}

std::string msg_id(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "msg_%04d", i);
  return buf;
}

/// Messages msg_0000..msg_<n-1>: even ones to ep_even (order.created), odd ones to ep_odd
/// (order.paid); every third one in application app_1.
void fill(store::store& db, int n) {
  db.put_endpoint(make_endpoint("ep_even"));
  db.put_endpoint(make_endpoint("ep_odd"));
  db.begin();
  for (int i = 0; i < n; ++i) {
    auto msg = make_message(msg_id(i), at_ms(1000 + i));
    msg.event_type = i % 2 == 0 ? "order.created" : "order.paid";
    if (i % 3 == 0)
      msg.application_id = "app_1";
    auto deliveries = make_deliveries(msg, {i % 2 == 0 ? "ep_even" : "ep_odd"});
    db.insert_message(msg, deliveries);
  }
  db.commit();
}

} // namespace

TEST_CASE("list_messages pages every message newest first", "[store][listing]") {
  store_fixture f;
  fill(*f.db, 25);
  auto first = f.db->list_messages({}, 10, 1000);
  REQUIRE(first.messages.size() == 10);
  CHECK(first.messages.front().id == "msg_0024");
  CHECK(first.messages.back().id == "msg_0015");
  CHECK(first.next_before == first.messages.back().seq);
  CHECK(first.messages.front().payload.find("msg_0024") != std::string::npos);

  std::size_t pages = 0;
  auto ids = all_pages(*f.db, {}, 10, 1000, &pages);
  REQUIRE(ids.size() == 25);
  CHECK(ids.back() == "msg_0000");
  CHECK(pages == 3);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 25);
}

TEST_CASE("a page that ends exactly at the last message says nothing follows", "[store][listing]") {
  store_fixture f;
  fill(*f.db, 10);
  auto page = f.db->list_messages({}, 10, 1000);
  CHECK(page.messages.size() == 10);
  CHECK(page.next_before == 0);
  CHECK(f.db->list_messages({}, 10, 1000).messages.size() == 10);
  store_fixture empty;
  auto none = empty.db->list_messages({}, 10, 1000);
  CHECK(none.messages.empty());
  CHECK(none.next_before == 0);
}

TEST_CASE("list_messages filters by application, event type, endpoint, status and time", "[store][listing]") {
  store_fixture f;
  fill(*f.db, 30);
  message_filter app;
  app.application_id = "app_1";
  auto ids = all_pages(*f.db, app, 4, 1000);
  CHECK(ids.size() == 10); // 0, 3, ..., 27
  CHECK(ids.front() == "msg_0027");

  message_filter type;
  type.event_types = {"order.paid"};
  CHECK(all_pages(*f.db, type, 100, 1000).size() == 15);
  type.event_types = {"order.paid", "order.created"};
  CHECK(all_pages(*f.db, type, 100, 1000).size() == 30);

  message_filter endpoint;
  endpoint.endpoint_id = "ep_even";
  auto even = all_pages(*f.db, endpoint, 100, 1000);
  CHECK(even.size() == 15);
  CHECK(even.front() == "msg_0028");

  // One delivery delivered: status filters see it, and pending the rest.
  auto stored = f.db->find_message("msg_0004");
  auto d = f.db->deliveries_of(stored->seq).at(0);
  apply(*f.db, final_state(d, delivery_status::delivered, failure_reason::none, at_ms(5000)));
  message_filter delivered;
  delivered.status = static_cast<std::int32_t>(delivery_status::delivered);
  auto done = all_pages(*f.db, delivered, 100, 1000);
  REQUIRE(done.size() == 1);
  CHECK(done[0] == "msg_0004");
  message_filter pending;
  pending.status = static_cast<std::int32_t>(delivery_status::pending);
  CHECK(all_pages(*f.db, pending, 100, 1000).size() == 29);

  message_filter window;
  window.since = at_ms(1010);
  window.until = at_ms(1020);
  auto ten = all_pages(*f.db, window, 100, 1000);
  REQUIRE(ten.size() == 10);
  CHECK(ten.front() == "msg_0019");
  CHECK(ten.back() == "msg_0010");

  message_filter both;
  both.application_id = "app_1";
  both.event_types = {"order.created"};
  CHECK(all_pages(*f.db, both, 100, 1000).size() == 5); // 0, 6, 12, 18, 24
}

TEST_CASE("a scanning filter reads a bounded stretch per page and still finds everything", "[store][listing]") {
  store_fixture f;
  fill(*f.db, 40);
  message_filter endpoint;
  endpoint.endpoint_id = "ep_odd";
  // 8 seqs per page: each page holds at most 4 of ep_odd's and says where to go on.
  auto first = f.db->list_messages(endpoint, 100, 8);
  CHECK(first.messages.size() == 4);
  CHECK(first.next_before > 0);
  std::size_t pages = 0;
  auto ids = all_pages(*f.db, endpoint, 100, 8, &pages);
  CHECK(ids.size() == 20);
  CHECK(pages == 5);
  // A filter no message matches ends after reading everything, a stretch at a time.
  endpoint.endpoint_id = "ep_none";
  CHECK(all_pages(*f.db, endpoint, 100, 8, &pages).empty());
  CHECK(pages == 5);
  // The application filter has an index: no bound, full pages.
  message_filter app;
  app.application_id = "app_1";
  CHECK(f.db->list_messages(app, 100, 8).messages.size() == 14);
}

TEST_CASE("list_messages pages 10,000 messages without loss or repeat", "[store][listing]") {
  store_fixture f;
  fill(*f.db, 10'000);
  std::size_t pages = 0;
  auto ids = all_pages(*f.db, {}, 100, 20'000, &pages);
  CHECK(ids.size() == 10'000);
  CHECK(pages == 100);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 10'000);
  message_filter app;
  app.application_id = "app_1";
  CHECK(all_pages(*f.db, app, 250, 20'000).size() == 3'334);
}

TEST_CASE("list_attempts filters an endpoint's attempts, newest first, and find_attempt reads one", "[store][listing]") {
  store_fixture f;
  auto a = insert(*f.db, "msg_1", at_ms(100), {"ep_a", "ep_b"});
  std::vector<std::int64_t> seqs;
  for (int round = 0; round < 3; ++round) {
    for (const auto& d : a.deliveries) {
      auto att = make_attempt(d, at_ms(200 + round));
      auto u = failed_once(d, at_ms(200 + round));
      u.attempts = round + 1;
      if (round == 2 && d.endpoint_id == "ep_a")
        att.outcome = attempt_outcome::success;
      f.db->begin();
      f.db->record_attempt(att, u);
      f.db->settle();
      f.db->commit();
      seqs.push_back(att.seq);
    }
  }
  attempt_filter by_endpoint;
  by_endpoint.endpoint_id = "ep_a";
  auto page = f.db->list_attempts(by_endpoint, 10, 1000);
  REQUIRE(page.attempts.size() == 3);
  CHECK(page.attempts[0].at == at_ms(202));
  CHECK(page.attempts[0].message_id == "msg_1");
  CHECK(page.attempts[0].endpoint_id == "ep_a");
  CHECK(page.next_before == 0);

  auto two = f.db->list_attempts(by_endpoint, 2, 1000);
  REQUIRE(two.attempts.size() == 2);
  by_endpoint.before_seq = two.next_before;
  CHECK(f.db->list_attempts(by_endpoint, 2, 1000).attempts.size() == 1);

  attempt_filter successes;
  successes.outcome = static_cast<std::int32_t>(attempt_outcome::success);
  auto ok = f.db->list_attempts(successes, 10, 1000);
  REQUIRE(ok.attempts.size() == 1);
  CHECK(ok.attempts[0].endpoint_id == "ep_a");

  auto one = f.db->find_attempt(seqs[1]);
  REQUIRE(one);
  CHECK(one->endpoint_id == "ep_b");
  CHECK(one->response_body == std::string("busy\0\xff", 6));
  CHECK_FALSE(f.db->find_attempt(seqs.back() + 100));
}

// /v1/messages over real HTTP: accepting (202, shape, payload bytes kept), reading a message and
// its attempts, fan-out by event_type, endpoint_id targeting (unknown → 404, disabled → 409),
// and Idempotency-Key replays, conflicts and races.
#include "tests/api_http/api_harness.hpp"
#include "tests/support/store_scan.hpp"

#include <catch2/catch.hpp>

#include <barrier>
#include <regex>
#include <set>
#include <thread>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

namespace {

/// Endpoint ids of a message's deliveries, sorted.
std::set<std::string> delivery_targets(const json& msg) {
  std::set<std::string> out;
  for (const auto& d : msg["deliveries"])
    out.insert(d["endpoint_id"].get<std::string>());
  return out;
}

/// How many messages the store holds (the tests here store far fewer than 1000).
std::size_t message_count(store::store& db) {
  return stored_messages(db, 1000).size();
}

std::string message_body(const std::string& event_type, const std::string& payload) {
  return R"({"event_type":")" + event_type + R"(","payload":)" + payload + "}";
}

} // namespace

TEST_CASE("api: POST /v1/messages answers 202 with pending deliveries and the payload bytes last",
          "[api_http][messages]") {
  test_receiver rx{[](const received_request&) { return reply::ok(R"({"received":true})"); }};
  api_harness api;
  const auto ep = id_of(api.create_endpoint(rx.url("/hook")));
  const std::string payload = R"({"b": 1,  "a":[1, 2.50, "caf\u00e9"]})"; // spacing kept
  auto r = api.call("POST", "/v1/messages", message_body("order.paid", payload));
  INFO(show(r));
  REQUIRE(r.status == 202);
  CHECK_FALSE(r.header("Idempotent-Replayed"));
  CHECK(r.body.ends_with(",\"payload\":" + payload + "}"));
  const auto msg = json_of(r);
  CHECK(keys_of(msg) ==
        std::vector<std::string>{"id", "event_type", "application_id", "event_id", "source_id", "created_at", "deliveries", "payload"});
  const auto id = id_of(msg);
  CHECK(id.starts_with("msg_"));
  CHECK(id.size() == 4 + 26);
  CHECK(msg["event_type"] == "order.paid");
  REQUIRE(msg["deliveries"].size() == 1);
  const auto& d = msg["deliveries"][0];
  CHECK(keys_of(d) == std::vector<std::string>{"endpoint_id", "status", "reason", "attempts",
                                               "next_attempt_at", "last_status_code",
                                               "last_error"});
  CHECK(d["endpoint_id"] == ep);
  CHECK(d["status"] == "pending");
  CHECK(d["reason"].is_null());
  CHECK(d["attempts"] == 0);
  CHECK(d["next_attempt_at"] == msg["created_at"]);
  CHECK(d["last_status_code"].is_null());
  CHECK(d["last_error"].is_null());

  // Delivered: the receiver gets the bytes exactly as sent, with the message id.
  REQUIRE(api.wait_for_delivery(id, ep, "delivered"));
  REQUIRE(rx.wait_for_count(1));
  CHECK(rx.requests().front().body == payload);
  CHECK(rx.requests().front().header("webhook-id") == id);

  SECTION("GET /v1/messages/{id} shows each delivery's state") {
    auto got = api.call("GET", "/v1/messages/" + id);
    INFO(show(got));
    REQUIRE(got.status == 200);
    CHECK(got.body.ends_with(",\"payload\":" + payload + "}"));
    const auto m = json_of(got);
    CHECK(m["created_at"] == msg["created_at"]);
    const auto& dd = m["deliveries"][0];
    CHECK(dd["status"] == "delivered");
    CHECK(dd["attempts"] == 1);
    CHECK(dd["next_attempt_at"].is_null());
    CHECK(dd["last_status_code"] == 200);
    CHECK(dd["last_error"].is_null());
  }

  SECTION("GET /v1/messages/{id}/attempts lists the attempts in one page") {
    REQUIRE(wait_until([&] {
      auto a = api.call("GET", "/v1/messages/" + id + "/attempts");
      return a.status == 200 && json_of(a)["data"].size() == 1;
    }));
    auto got = api.call("GET", "/v1/messages/" + id + "/attempts?limit=1&cursor=whatever");
    INFO(show(got));
    REQUIRE(got.status == 200);
    const auto list = json_of(got);
    CHECK(list["next_cursor"].is_null());
    REQUIRE(list["data"].size() == 1);
    const auto& a = list["data"][0];
    CHECK(keys_of(a) == std::vector<std::string>{"id", "message_id", "endpoint_id", "at", "outcome",
                                                 "status_code", "duration_ms", "error",
                                                 "error_detail", "response_body"});
    CHECK(std::regex_match(a["id"].get<std::string>(), std::regex{"att_[0-9A-Z]{13}"}));
    CHECK(a["message_id"] == id);
    CHECK(a["endpoint_id"] == ep);
    CHECK(a["outcome"] == "success");
    CHECK(a["status_code"] == 200);
    CHECK(a["duration_ms"].is_number_integer());
    CHECK(a["error"].is_null());
    CHECK(a["response_body"] == R"({"received":true})");
  }
}

TEST_CASE("api: a message fans out by event_type, or goes to endpoint_id alone",
          "[api_http][messages][fanout]") {
  test_receiver paid_rx, all_rx, other_rx;
  api_harness api;
  const auto paid = id_of(api.create_endpoint(paid_rx.url(), {{"event_types", {"order.paid"}}}));
  const auto all = id_of(api.create_endpoint(all_rx.url()));
  const auto other =
      id_of(api.create_endpoint(other_rx.url(), {{"event_types", {"user.created"}}}));

  const auto m1 = api.post_message("order.paid", R"({"n":1})");
  CHECK(delivery_targets(m1) == std::set<std::string>{paid, all});
  REQUIRE(api.wait_for_delivery(id_of(m1), paid, "delivered"));
  REQUIRE(api.wait_for_delivery(id_of(m1), all, "delivered"));
  CHECK(webhook_ids(paid_rx) == std::multiset<std::string>{id_of(m1)});
  CHECK(webhook_ids(all_rx) == std::multiset<std::string>{id_of(m1)});

  const auto m2 = api.post_message("user.created", R"({"n":2})");
  CHECK(delivery_targets(m2) == std::set<std::string>{all, other});

  // Nobody subscribes to this one but the catch-all endpoint.
  const auto m3 = api.post_message("nobody.cares", R"({"n":3})");
  CHECK(delivery_targets(m3) == std::set<std::string>{all});

  // endpoint_id bypasses the filter and reaches that endpoint only.
  const auto m4 = api.post_message("order.paid", R"({"n":4})", other);
  CHECK(delivery_targets(m4) == std::set<std::string>{other});
  REQUIRE(api.wait_for_delivery(id_of(m4), other, "delivered"));
  REQUIRE(api.wait_for_delivery(id_of(m2), other, "delivered"));
  CHECK(webhook_ids(other_rx) == std::multiset<std::string>{id_of(m2), id_of(m4)});
  CHECK(holds_for([&] { return paid_rx.count() == 1 && all_rx.count() == 3; }, 300ms));

  SECTION("an unknown endpoint_id is 404 and stores nothing") {
    const auto before = message_count(api.inspector());
    auto r = api.call("POST", "/v1/messages",
                      R"({"event_type":"order.paid","payload":{},"endpoint_id":"ep_NOPE"})");
    INFO(show(r));
    CHECK(r.status == 404);
    CHECK(error_code(r) == "not_found");
    CHECK(message_count(api.inspector()) == before);
  }

  SECTION("a disabled endpoint_id is 409 endpoint_disabled and stores nothing") {
    REQUIRE(api.call("POST", "/v1/endpoints/" + other + "/disable").status == 200);
    const auto before = message_count(api.inspector());
    auto r =
        api.call("POST", "/v1/messages",
                 R"({"event_type":"user.created","payload":{},"endpoint_id":")" + other + R"("})");
    INFO(show(r));
    CHECK(r.status == 409);
    CHECK(error_code(r) == "endpoint_disabled");
    CHECK(message_count(api.inspector()) == before);
    // Without endpoint_id the disabled endpoint is skipped silently.
    const auto m5 = api.post_message("user.created", R"({"n":5})");
    CHECK(delivery_targets(m5) == std::set<std::string>{all});
  }

  SECTION("with no endpoint at all a message is still stored, with no deliveries") {
    for (const auto& ep : {paid, all, other})
      REQUIRE(api.call("DELETE", "/v1/endpoints/" + ep).status == 204);
    const auto m = api.post_message("order.paid", R"({"n":6})");
    CHECK(m["deliveries"] == json::array());
    CHECK(api.get_message(id_of(m))["deliveries"] == json::array());
  }
}

TEST_CASE("api: Idempotency-Key replays the same request and refuses another",
          "[api_http][messages][idempotency]") {
  test_receiver rx;
  api_harness api;
  const auto ep = id_of(api.create_endpoint(rx.url()));
  const header_list key{{"Idempotency-Key", "order-1042-paid"}};
  const auto body = message_body("order.paid", R"({"order":1042})");

  auto first = api.call("POST", "/v1/messages", body, key);
  INFO(show(first));
  REQUIRE(first.status == 202);
  CHECK_FALSE(first.header("Idempotent-Replayed"));
  const auto id = id_of(json_of(first));
  REQUIRE(api.wait_for_delivery(id, ep, "delivered"));

  auto again = api.call("POST", "/v1/messages", body, key);
  INFO(show(again));
  REQUIRE(again.status == 202);
  CHECK(again.header("Idempotent-Replayed") == "true");
  const auto replay = json_of(again);
  CHECK(id_of(replay) == id);
  CHECK(replay["deliveries"][0]["status"] == "delivered"); // its current state

  // Any other byte is another request: 409, and nothing new is stored.
  for (const auto& other : {message_body("order.paid", R"({"order":1043})"),
                            message_body("order.paid", R"({"order": 1042})")}) {
    auto conflict = api.call("POST", "/v1/messages", other, key);
    INFO(show(conflict));
    CHECK(conflict.status == 409);
    CHECK(error_code(conflict) == "idempotency_conflict");
  }
  CHECK(message_count(api.inspector()) == 1);
  CHECK(holds_for([&] { return rx.count() == 1; }, 300ms));

  SECTION("keys that break the rules are 400 malformed_request") {
    for (const std::string& bad :
         std::vector<std::string>{"has space", std::string(256, 'k'), "tab\there", "caf\xc3\xa9"}) {
      CAPTURE(bad);
      auto r = api.call("POST", "/v1/messages", body, {{"Idempotency-Key", bad}});
      INFO(show(r));
      CHECK(r.status == 400);
      CHECK(error_code(r) == "malformed_request");
    }
    auto longest =
        api.call("POST", "/v1/messages", body, {{"Idempotency-Key", std::string(255, 'k')}});
    CHECK(longest.status == 202);
  }

  SECTION("a request that failed stored nothing: its key is new again") {
    const header_list key2{{"Idempotency-Key", "retry-me"}};
    auto bad = api.call("POST", "/v1/messages", R"({"event_type":"","payload":{}})", key2);
    CHECK(bad.status == 422);
    auto good = api.call("POST", "/v1/messages", body, key2);
    INFO(show(good));
    REQUIRE(good.status == 202);
    CHECK_FALSE(good.header("Idempotent-Replayed"));
    CHECK(id_of(json_of(good)) != id);
  }
}

TEST_CASE("api: concurrent requests with one Idempotency-Key create one message",
          "[api_http][messages][idempotency]") {
  test_receiver rx;
  api_harness api;
  api.create_endpoint(rx.url());
  constexpr int clients = 8;
  constexpr int rounds = 5;
  for (int round = 0; round < rounds; ++round) {
    CAPTURE(round);
    const std::string key = "race-" + std::to_string(round);
    const auto body = message_body("race", R"({"round":)" + std::to_string(round) + "}");
    std::vector<http_response> answers(clients);
    std::barrier start{clients};
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; ++i)
      threads.emplace_back([&, i] {
        http_connection conn{api.port()};
        header_list headers = api_harness::with_token({{"Idempotency-Key", key}});
        start.arrive_and_wait();
        answers[static_cast<std::size_t>(i)] = conn.exchange("POST", "/v1/messages", headers, body);
      });
    for (auto& t : threads)
      t.join();
    std::set<std::string> ids;
    int fresh = 0;
    for (const auto& a : answers) {
      INFO(show(a));
      REQUIRE(a.status == 202);
      ids.insert(id_of(json_of(a)));
      if (!a.header("Idempotent-Replayed"))
        ++fresh;
    }
    CHECK(ids.size() == 1);
    CHECK(fresh == 1);
  }
  CHECK(message_count(api.inspector()) == rounds);
  REQUIRE(rx.wait_for_count(rounds));
  CHECK(holds_for([&] { return rx.count() == rounds; }, 300ms));
  const auto seen = webhook_ids(rx);
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == rounds);
}

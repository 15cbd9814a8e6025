// The Svix API's messages and attempts over real HTTP against a real receiver: fan-out within
// the application only, eventId and Idempotency-Key, the svix-* headers and custom headers on
// deliveries, attempts by message and by endpoint, resend, and paging over 10,000 messages.
#include "policy/signing.hpp"
#include "tests/api_http/svix_support.hpp"

#include <set>
#include <thread>

using namespace hookd;
using namespace hookd::testing;
using namespace hookd::testing::svix;

namespace {

/// Waits (bounded) until the receiver has `n` requests to `path`; those requests.
std::vector<received_request> wait_for(test_receiver& rx, const std::string& path, std::size_t n,
                                       std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::vector<received_request> got;
    for (auto& r : rx.requests())
      if (r.target == path)
        got.push_back(std::move(r));
    if (got.size() >= n || std::chrono::steady_clock::now() > deadline)
      return got;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

std::size_t count_for(test_receiver& rx, const std::string& path) {
  std::size_t n = 0;
  for (const auto& r : rx.requests())
    n += r.target == path ? 1 : 0;
  return n;
}

} // namespace

TEST_CASE("svix: a message reaches its application's subscribed endpoints only, with svix and "
          "webhook headers that verify",
          "[api][svix]") {
  api_harness api;
  test_receiver rx;
  auto a = create_app(api, "A", "a")["id"].get<std::string>();
  auto b = create_app(api, "B", "b")["id"].get<std::string>();
  auto paid = create_endpoint(api, a, {{"url", rx.url("/a-paid")}, {"filterTypes", {"invoice.paid"}},
                                       {"headers", {{"X-Team", "billing"}}}});
  create_endpoint(api, a, {{"url", rx.url("/a-other")}, {"filterTypes", {"invoice.voided"}}});
  create_endpoint(api, a, {{"url", rx.url("/a-all")}});
  create_endpoint(api, b, {{"url", rx.url("/b-all")}});
  // A native endpoint of no application never gets an application's message.
  api.create_endpoint(rx.url("/native"));

  auto msg = send(api, "a", "invoice.paid", R"({"amount": 12.50, "id":"in_1"})", "evt-1");
  CHECK(msg["eventId"] == "evt-1");
  CHECK(msg["payload"]["id"] == "in_1");
  const auto id = msg["id"].get<std::string>();
  REQUIRE(wait_for(rx, "/a-paid", 1).size() == 1);
  REQUIRE(wait_for(rx, "/a-all", 1).size() == 1);
  std::this_thread::sleep_for(std::chrono::milliseconds{200}); // anything misrouted would be here by now
  CHECK(count_for(rx, "/a-other") == 0);
  CHECK(count_for(rx, "/b-all") == 0);
  CHECK(count_for(rx, "/native") == 0);

  auto got = wait_for(rx, "/a-paid", 1).at(0);
  CHECK(got.body == R"({"amount": 12.50, "id":"in_1"})"); // the bytes as sent
  CHECK(got.header("svix-id") == id);
  CHECK(got.header("webhook-id") == id);
  CHECK(got.header("svix-timestamp") == got.header("webhook-timestamp"));
  CHECK(got.header("svix-signature") == got.header("webhook-signature"));
  CHECK(got.header("X-Team") == "billing");
  auto secret = expect(api, "GET", "/api/v1/app/a/endpoint/" + paid["id"].get<std::string>() + "/secret", {},
                       200, "EndpointSecretOut")["key"].get<std::string>();
  const auto ts = std::stoll(*got.header("svix-timestamp"));
  CHECK(*got.header("svix-signature") == policy::standard_signature(secret, id, ts, got.body));

  // B's message reaches B only.
  send(api, "b", "invoice.paid");
  REQUIRE(wait_for(rx, "/b-all", 1).size() == 1);
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  CHECK(count_for(rx, "/a-all") == 1);
}

TEST_CASE("svix: eventId is unique per application, Idempotency-Key replays, and neither "
          "crosses applications",
          "[api][svix]") {
  api_harness api;
  auto a = create_app(api, "A", "a")["id"].get<std::string>();
  create_app(api, "B", "b");
  auto first = send(api, "a", "t.one", R"({"n":1})", "evt-1");
  auto repeat = api.call("POST", "/api/v1/app/a/msg", R"({"eventType":"t.one","payload":{"n":2},"eventId":"evt-1"})");
  CHECK(repeat.status == 409);
  check_shape(json_of(repeat), "HttpErrorOut");
  // With a fresh Idempotency-Key (the SDK sends auto_<uuid> on every POST) it is still a 409.
  repeat = api.call("POST", "/api/v1/app/a/msg", R"({"eventType":"t.one","payload":{"n":2},"eventId":"evt-1"})",
                    {{"idempotency-key", "auto_1"}});
  CHECK(repeat.status == 409);
  send(api, "b", "t.one", R"({"n":1})", "evt-1"); // B's own eventId space

  const std::string body = R"({"eventType":"t.two","payload":{"n":3}})";
  auto once = expect(api, "POST", "/api/v1/app/a/msg", body, 202, "MessageOut", {{"idempotency-key", "key-1"}});
  auto twice = expect(api, "POST", "/api/v1/app/a/msg", body, 202, "MessageOut", {{"idempotency-key", "key-1"}});
  CHECK(once["id"] == twice["id"]);
  auto other_body = api.call("POST", "/api/v1/app/a/msg", R"({"eventType":"t.two","payload":{"n":4}})",
                             {{"idempotency-key", "key-1"}});
  CHECK(other_body.status == 409);
  // The same key in another application is another request.
  auto in_b = expect(api, "POST", "/api/v1/app/b/msg", body, 202, "MessageOut", {{"idempotency-key", "key-1"}});
  CHECK(in_b["id"] != once["id"]);

  CHECK(expect(api, "GET", "/api/v1/app/a/msg/" + first["id"].get<std::string>(), {}, 200,
               "MessageOut")["eventId"] == "evt-1");
  auto without = expect(api, "GET", "/api/v1/app/a/msg/" + first["id"].get<std::string>() + "?with_content=false",
                        {}, 200, "MessageOut");
  CHECK(without["payload"] == json::object());
  // Another application's message is not found through B.
  CHECK(api.call("GET", "/api/v1/app/b/msg/" + first["id"].get<std::string>()).status == 404);
  // The native API sees it with its application and event id.
  auto native = api.get_message(first["id"].get<std::string>());
  CHECK(native["application_id"] == a);
  CHECK(native["event_id"] == "evt-1");
}

TEST_CASE("svix: attempts by message and by endpoint, one attempt, and a resend", "[api][svix]") {
  api_harness api;
  test_receiver rx{replies({reply::with_status(500)}, reply::ok())};
  auto app = create_app(api, "A", "a")["id"].get<std::string>();
  auto ep = create_endpoint(api, app, {{"url", rx.url("/1")}});
  const auto ep_id = ep["id"].get<std::string>();
  auto msg = send(api, "a", "t.one");
  const auto msg_id = msg["id"].get<std::string>();
  // The compressed config retries fast: 500, then 200.
  REQUIRE(wait_for(rx, "/1", 2).size() == 2);
  REQUIRE(api.wait_for_delivery(msg_id, ep_id, "delivered"));

  auto by_msg = all_items(api, "/api/v1/app/a/attempt/msg/" + msg_id, "ListResponse_MessageAttemptOut_");
  REQUIRE(by_msg.size() == 2);
  CHECK(by_msg[0]["status"] == 0); // newest first
  CHECK(by_msg[1]["status"] == 2);
  CHECK(by_msg[1]["responseStatusCode"] == 500);
  CHECK(by_msg[0]["url"] == rx.url("/1"));
  CHECK(by_msg[0]["msgId"] == msg_id);
  CHECK(by_msg[0]["endpointId"] == ep_id);
  CHECK(all_items(api, "/api/v1/app/a/attempt/msg/" + msg_id + "?status=2", "ListResponse_MessageAttemptOut_").size() == 1);
  CHECK(all_items(api, "/api/v1/app/a/msg/" + msg_id + "/attempt", "ListResponse_MessageAttemptOut_").size() == 2);
  auto by_ep = all_items(api, "/api/v1/app/a/attempt/endpoint/" + ep_id + "?limit=1", "ListResponse_MessageAttemptOut_");
  CHECK(by_ep.size() == 2);
  CHECK(all_items(api, "/api/v1/app/a/attempt/endpoint/" + ep_id + "?status=0", "ListResponse_MessageAttemptOut_").size() == 1);
  CHECK(all_items(api, "/api/v1/app/a/attempt/endpoint/" + ep_id + "?status=1", "ListResponse_MessageAttemptOut_").empty());

  const auto attempt_id = by_msg[0]["id"].get<std::string>();
  CHECK(expect(api, "GET", "/api/v1/app/a/msg/" + msg_id + "/attempt/" + attempt_id, {}, 200,
               "MessageAttemptOut")["id"] == attempt_id);
  CHECK(api.call("GET", "/api/v1/app/a/msg/" + msg_id + "/attempt/atmpt_0000000000000").status == 404);
  CHECK(api.call("GET", "/api/v1/app/a/msg/" + msg_id + "/attempt/bogus").status == 404);

  // Resend: one more delivery of the same message id, though it was delivered.
  expect(api, "POST", "/api/v1/app/a/msg/" + msg_id + "/endpoint/" + ep_id + "/resend", {}, 202);
  auto all = wait_for(rx, "/1", 3);
  REQUIRE(all.size() == 3);
  CHECK(all[2].header("svix-id") == msg_id);
  CHECK(api.wait_for_delivery(msg_id, ep_id, "delivered"));
  // Another application cannot see or resend it.
  create_app(api, "B", "b");
  CHECK(api.call("GET", "/api/v1/app/b/attempt/msg/" + msg_id).status == 404);
  CHECK(api.call("GET", "/api/v1/app/b/attempt/endpoint/" + ep_id).status == 404);
  CHECK(api.call("POST", "/api/v1/app/b/msg/" + msg_id + "/endpoint/" + ep_id + "/resend").status == 404);
}

TEST_CASE("svix: a disabled endpoint gets no new messages", "[api][svix]") {
  api_harness api;
  test_receiver rx;
  create_app(api, "A", "a");
  auto off = create_endpoint(api, "a", {{"url", rx.url("/off")}, {"disabled", true}});
  CHECK(off["disabled"] == true);
  create_endpoint(api, "a", {{"url", rx.url("/on")}});
  auto msg = send(api, "a", "t.one");
  REQUIRE(wait_for(rx, "/on", 1).size() == 1);
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  CHECK(count_for(rx, "/off") == 0);
  auto resend = api.call("POST", "/api/v1/app/a/msg/" + msg["id"].get<std::string>() + "/endpoint/" +
                                     off["id"].get<std::string>() + "/resend");
  CHECK(resend.status == 409);
}

TEST_CASE("svix: the message list and GET /v1/messages page over 10,000 messages", "[api][svix][slow]") {
  api_harness api;
  auto a = create_app(api, "A", "a")["id"].get<std::string>();
  create_app(api, "B", "b");
  constexpr int total = 10'000;
  for (int i = 0; i < total; ++i) {
    auto r = api.call("POST", i % 10 == 0 ? "/api/v1/app/b/msg" : "/api/v1/app/a/msg",
                      R"({"eventType":")" + std::string(i % 2 == 0 ? "t.even" : "t.odd") +
                          R"(","payload":{"i":)" + std::to_string(i) + "}}");
    REQUIRE(r.status == 202);
  }
  int pages = 0;
  auto items = all_items(api, "/api/v1/app/a/msg?limit=250", "ListResponse_MessageOut_", &pages);
  CHECK(items.size() == 9'000);
  CHECK(pages == 36);
  std::set<std::string> ids;
  for (const auto& m : items)
    ids.insert(m["id"].get<std::string>());
  CHECK(ids.size() == 9'000);
  CHECK(items.front()["payload"]["i"] == total - 1); // newest first
  CHECK(all_items(api, "/api/v1/app/a/msg?limit=250&event_types=t.odd", "ListResponse_MessageOut_").size() == 5'000);
  CHECK(all_items(api, "/api/v1/app/b/msg?limit=250", "ListResponse_MessageOut_").size() == 1'000);

  // The native list: every message, every application, with its filters.
  std::set<std::string> native;
  std::string cursor;
  int native_pages = 0;
  for (;;) {
    auto page = json_of(api.call("GET", "/v1/messages?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor)));
    ++native_pages;
    for (const auto& m : page["data"])
      native.insert(m["id"].get<std::string>());
    if (page["next_cursor"].is_null())
      break;
    cursor = page["next_cursor"].get<std::string>();
  }
  CHECK(native.size() == total);
  CHECK(native_pages == 100);
  auto only_b = json_of(api.call("GET", "/v1/messages?limit=100&application_id=" + a));
  CHECK(only_b["data"].size() == 100);
  CHECK(only_b["data"][0]["application_id"] == a);
}

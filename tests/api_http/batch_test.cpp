// POST /v1/messages/batch over real HTTP: every message judged as POST /v1/messages would judge
// it, one result per message in order, all accepted ones committed together (one commit) and
// delivered; a malformed body as a whole, 0 or 1,001 messages, or a body over the route's limit
// is refused whole with nothing stored; Idempotency-Keys within one batch and across batches.
#include "tests/api_http/api_harness.hpp"
#include "tests/metrics/prometheus_parser.hpp"
#include "tests/support/store_scan.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;
namespace prom = hookd::test::prometheus;

namespace {

std::size_t message_count(store::store& db) { return stored_messages(db, 3000).size(); }

std::string item(const std::string& event_type, const std::string& payload,
                 const std::string& extra = {}) {
  return R"({"event_type":")" + event_type + R"(","payload":)" + payload + extra + "}";
}

std::string batch_of(const std::vector<std::string>& items) {
  std::string body = R"({"messages":[)";
  for (std::size_t i = 0; i < items.size(); ++i)
    body += (i > 0 ? "," : "") + items[i];
  return body + "]}";
}

/// The 202 answer's results; fails the test on another status.
json results_of(const http_response& r) {
  INFO(show(r));
  REQUIRE(r.status == 202);
  const auto doc = json_of(r);
  REQUIRE(keys_of(doc) == std::vector<std::string>{"data"});
  return doc["data"];
}

/// A refused message's {"error": {code, message, status}}: its code and status.
std::pair<std::string, int> refusal(const json& result) {
  INFO(result.dump());
  REQUIRE(keys_of(result) == std::vector<std::string>{"error"});
  REQUIRE(keys_of(result["error"]) == std::vector<std::string>{"code", "message", "status"});
  return {result["error"]["code"].get<std::string>(), result["error"]["status"].get<int>()};
}

double metric(api_harness& api, const std::string& name) {
  auto r = api.call("GET", "/metrics");
  REQUIRE(r.status == 200);
  return prom::parse(r.body).value(name);
}

} // namespace

TEST_CASE("api: a batch is accepted in order, shaped as single messages, and delivered",
          "[api_http][batch]") {
  test_receiver rx;
  test_receiver only_rx;
  api_harness api;
  const auto all = id_of(api.create_endpoint(rx.url("/all")));
  const auto only = id_of(api.create_endpoint(only_rx.url("/only"), {{"event_types", {"never.sent"}}}));
  const std::vector<std::string> payloads{R"({"n": 1})", R"([1, 2.50])", R"("text")", "42"};
  std::vector<std::string> items;
  for (const auto& p : payloads)
    items.push_back(item("order.paid", p));
  items.push_back(item("order.paid", R"({"n":5})", R"(,"endpoint_id":")" + only + "\""));

  const auto data = results_of(api.call("POST", "/v1/messages/batch", batch_of(items)));
  REQUIRE(data.size() == 5);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto& m = data[i];
    INFO(m.dump());
    CHECK(keys_of(m) == std::vector<std::string>{"id", "event_type", "application_id", "event_id", "source_id", "created_at", "deliveries", "payload"});
    ids.insert(id_of(m));
    REQUIRE(m["deliveries"].size() == 1);
    CHECK(m["deliveries"][0]["status"] == "pending");
    CHECK(m["deliveries"][0]["endpoint_id"] == (i < 4 ? all : only));
    if (i < payloads.size())
      CHECK(m["payload"] == json::parse(payloads[i]));
  }
  CHECK(ids.size() == 5);

  // Delivered as single messages are: the bytes as sent, the message id as webhook-id.
  REQUIRE(rx.wait_for_count(4));
  REQUIRE(only_rx.wait_for_count(1));
  std::multiset<std::string> bodies;
  for (const auto& r : rx.requests())
    bodies.insert(r.body);
  CHECK(bodies == std::multiset<std::string>(payloads.begin(), payloads.end()));
  CHECK(webhook_ids(rx) == std::multiset<std::string>{id_of(data[0]), id_of(data[1]), id_of(data[2]),
                                                       id_of(data[3])});
  CHECK(webhook_ids(only_rx) == std::multiset<std::string>{id_of(data[4])});
  for (std::size_t i = 0; i < 4; ++i)
    CHECK(api.wait_for_delivery(id_of(data[i]), all, "delivered"));
  CHECK(api.get_message(id_of(data[1]))["payload"] == json::parse(payloads[1]));
  CHECK(holds_for([&] { return rx.count() == 4 && only_rx.count() == 1; }, 200ms));
}

TEST_CASE("api: the accepted messages of a batch are one store commit", "[api_http][batch]") {
  api_harness api;
  std::vector<std::string> items;
  for (int i = 0; i < 50; ++i)
    items.push_back(item("nobody.listens", "{\"n\":" + std::to_string(i) + "}"));
  items.push_back(item("nobody.listens", "{}", R"(,"endpoint_id":"ep_missing")")); // refused alone
  const auto commits = metric(api, "hookd_store_commit_seconds_count");
  const auto commands = metric(api, "hookd_store_commands_total");
  const auto data = results_of(api.call("POST", "/v1/messages/batch", batch_of(items)));
  REQUIRE(data.size() == 51);
  CHECK(refusal(data[50]) == std::pair<std::string, int>{"not_found", 404});
  CHECK(metric(api, "hookd_store_commit_seconds_count") == commits + 1);
  CHECK(metric(api, "hookd_store_commands_total") == commands + 1);
  CHECK(metric(api, "hookd_messages_accepted_total") == 50);
  CHECK(message_count(api.inspector()) == 50);
}

TEST_CASE("api: each message of a batch is judged alone, as POST /v1/messages judges it",
          "[api_http][batch]") {
  test_receiver rx;
  api_harness api; // max_payload_bytes 4096
  const auto ep = id_of(api.create_endpoint(rx.url()));
  const auto off = id_of(api.create_endpoint(rx.url("/off")));
  REQUIRE(api.call("POST", "/v1/endpoints/" + off + "/disable").status == 200);
  const std::string deep = std::string(65, '[') + std::string(65, ']'); // 65 levels in the payload
  const std::string big = "\"" + std::string(4100, 'x') + "\"";
  const std::vector<std::pair<std::string, std::pair<std::string, int>>> cases{
      {item("ok.first", "{}"), {"", 202}},
      {R"({"event_type":7,"payload":{}})", {"wrong_type", 400}},
      {R"({"payload":{}})", {"invalid_field", 422}},
      {R"({"event_type":"t"})", {"invalid_field", 422}},
      {R"({"event_type":"t","payload":null})", {"invalid_field", 422}},
      {item("t", "{}", R"(,"endpoint_id":"ep_NOPE")"), {"not_found", 404}},
      {item("t", "{}", R"(,"endpoint_id":")" + off + "\""), {"endpoint_disabled", 409}},
      {item("t", "{}", R"(,"endpoint_id":5)"), {"wrong_type", 400}},
      {item("t", deep), {"too_deep", 400}},
      {item("t", big), {"payload_too_large", 413}},
      {R"(["not","an","object"])", {"malformed_json", 400}},
      {R"("text")", {"malformed_json", 400}},
      {item("t", "{}", R"(,"colour":"red")"), {"unknown_field", 400}},
      {item("t", "{}", R"(,"idempotency_key":"has space")"), {"malformed_request", 400}},
      {item("t", "{}", R"(,"idempotency_key":12)"), {"wrong_type", 400}},
      {item("t", "{}", R"(,"endpoint_id":"ep_hookd_alerts")"), {"not_found", 404}},
      {item("ok.last", R"({"last":true})", R"(,"endpoint_id":")" + ep + "\""), {"", 202}},
  };
  std::vector<std::string> items;
  for (const auto& c : cases)
    items.push_back(c.first);
  const auto data = results_of(api.call("POST", "/v1/messages/batch", batch_of(items)));
  REQUIRE(data.size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO("message " << i << ": " << cases[i].first.substr(0, 120));
    const auto& [code, status] = cases[i].second;
    if (status == 202)
      CHECK(data[i]["id"].get<std::string>().starts_with("msg_"));
    else
      CHECK(refusal(data[i]) == std::pair<std::string, int>{code, status});
  }
  // The same message alone gets the same status from POST /v1/messages (the oversized one
  // only fits in a batch body).
  for (std::size_t i = 1; i + 1 < cases.size(); ++i) {
    if (cases[i].second.first == "payload_too_large" || cases[i].first.find("idempotency_key") != std::string::npos)
      continue;
    INFO("message " << i << " alone");
    auto single = api.call("POST", "/v1/messages", cases[i].first);
    CHECK(single.status == cases[i].second.second);
    CHECK(error_code(single) == cases[i].second.first);
  }

  // Only the two good ones are stored and delivered.
  REQUIRE(rx.wait_for_count(2));
  CHECK(webhook_ids(rx) == std::multiset<std::string>{id_of(data[0]), id_of(data.back())});
  CHECK(message_count(api.inspector()) == 2);
}

TEST_CASE("api: a malformed batch body is refused whole and stores nothing", "[api_http][batch]") {
  test_receiver rx;
  api_harness api;
  api.create_endpoint(rx.url());
  const std::string ok = item("t", "{}");
  std::vector<std::string> many(1001, ok);
  const std::vector<std::pair<std::string, std::string>> cases{
      {"not json", "malformed_json"},
      {R"({"messages":[)" + ok, "malformed_json"},
      {"[" + ok + "]", "malformed_json"},
      {"{}", "wrong_type"},
      {R"({"messages":{"event_type":"t","payload":{}}})", "wrong_type"},
      {R"({"messages":"x"})", "wrong_type"},
      {R"({"messages":null})", "wrong_type"},
      {R"({"messages":[]})", "batch_size"},
      {batch_of(many), "batch_size"},
      {R"({"messages":[)" + ok + R"(],"extra":1})", "unknown_field"},
      {R"({"messages":[)" + item("t", std::string(130, '[') + std::string(130, ']')) + "]}", "too_deep"},
  };
  for (const auto& [body, code] : cases) {
    INFO(body.substr(0, 100));
    auto r = api.call("POST", "/v1/messages/batch", body);
    INFO(show(r).substr(0, 300));
    CHECK(r.status == 400);
    CHECK(error_code(r) == code);
  }
  CHECK(message_count(api.inspector()) == 0);
  CHECK(holds_for([&] { return rx.count() == 0; }, 100ms));

  SECTION("1,000 messages are accepted") {
    std::vector<std::string> thousand(1000, ok);
    const auto data = results_of(api.call("POST", "/v1/messages/batch", batch_of(thousand)));
    CHECK(data.size() == 1000);
    CHECK(message_count(api.inspector()) == 1000);
    CHECK(rx.wait_for_count(1000, 20s));
  }
}

TEST_CASE("api: the batch route has its own body limit (server.max_batch_bytes)",
          "[api_http][batch]") {
  api_harness api{[](config::config& c) { c.server.max_batch_bytes = 16384; }}; // payloads: 4096
  const std::string payload = "\"" + std::string(3000, 'y') + "\"";
  std::vector<std::string> items(4, item("t", payload)); // ~12 KB: over 4096, under 16384
  const auto data = results_of(api.call("POST", "/v1/messages/batch", batch_of(items)));
  CHECK(data.size() == 4);
  CHECK(api.call("POST", "/v1/messages", batch_of(items)).status == 413); // the usual limit

  items.resize(6); // ~18 KB
  for (auto& i : items)
    i = item("t", payload);
  auto r = api.call("POST", "/v1/messages/batch", batch_of(items));
  INFO(show(r));
  CHECK(r.status == 413);
  CHECK(error_code(r) == "payload_too_large");
  CHECK(message_count(api.inspector()) == 4);
}

TEST_CASE("api: Idempotency-Keys of batch messages replay within a batch and across batches",
          "[api_http][batch][idempotency]") {
  test_receiver rx;
  api_harness api;
  const auto ep = id_of(api.create_endpoint(rx.url()));
  const auto a = item("order.paid", R"({"order":1})", R"(,"idempotency_key":"order-1")");
  const auto a_other = item("order.paid", R"({"order":99})", R"(,"idempotency_key":"order-1")");
  const auto b = item("order.paid", R"({"order":2})", R"(,"idempotency_key":"order-2")");
  const auto c = item("order.paid", R"({"order":3})");

  const auto first = results_of(api.call("POST", "/v1/messages/batch", batch_of({a, b, a, a_other, c})));
  REQUIRE(first.size() == 5);
  const auto id_a = id_of(first[0]);
  const auto id_b = id_of(first[1]);
  CHECK(id_of(first[2]) == id_a); // the same message again: the first one's
  CHECK(first[2]["payload"] == json{{"order", 1}});
  CHECK(refusal(first[3]) == std::pair<std::string, int>{"idempotency_conflict", 409});
  const auto id_c = id_of(first[4]);
  CHECK(message_count(api.inspector()) == 3);

  SECTION("the same batch again replays every keyed message and stores only the unkeyed one") {
    const auto again = results_of(api.call("POST", "/v1/messages/batch", batch_of({a, b, a, a_other, c})));
    REQUIRE(again.size() == 5);
    CHECK(id_of(again[0]) == id_a);
    CHECK(id_of(again[1]) == id_b);
    CHECK(id_of(again[2]) == id_a);
    CHECK(refusal(again[3]) == std::pair<std::string, int>{"idempotency_conflict", 409});
    CHECK(id_of(again[4]) != id_c);
    CHECK(again[0]["deliveries"][0]["endpoint_id"] == ep);
    CHECK(message_count(api.inspector()) == 4);
    REQUIRE(rx.wait_for_count(4));
    CHECK(holds_for([&] { return rx.count() == 4; }, 300ms)); // order-1 and order-2 once each
  }

  SECTION("a key of a batch message used by POST /v1/messages is another request: 409") {
    auto r = api.call("POST", "/v1/messages", item("order.paid", R"({"order":1})"),
                      {{"Idempotency-Key", "order-1"}});
    CHECK(r.status == 409);
    CHECK(error_code(r) == "idempotency_conflict");
  }

  SECTION("a key first used by POST /v1/messages is a 409 in a batch") {
    auto r = api.call("POST", "/v1/messages", item("order.paid", R"({"order":7})"),
                      {{"Idempotency-Key", "order-7"}});
    REQUIRE(r.status == 202);
    const auto data = results_of(api.call(
        "POST", "/v1/messages/batch",
        batch_of({item("order.paid", R"({"order":7})", R"(,"idempotency_key":"order-7")")})));
    CHECK(refusal(data[0]) == std::pair<std::string, int>{"idempotency_conflict", 409});
  }
}

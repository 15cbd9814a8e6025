// /v1/endpoints over real HTTP: create, get, list with pagination, patch and the secret routes,
// with the documented status codes and shapes, and the secret shown only where docs/api.md
// says (create, GET .../secret, secret/rotate).
#include "tests/api_http/api_harness.hpp"
#include "tests/support/test_receiver.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <regex>
#include <set>

using namespace hookd;
using namespace hookd::testing;

namespace {

const std::regex api_time_form{R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)"};

bool is_api_time(const json& v) {
  return v.is_string() && std::regex_match(v.get<std::string>(), api_time_form);
}

const std::vector<std::string> endpoint_keys{"id",
                                             "url",
                                             "description",
                                             "event_types",
                                             "status",
                                             "disabled_reason",
                                             "signature_scheme",
                                             "rate_limit_per_s",
                                             "max_concurrency",
                                             "timeout_ms",
                                             "application_id",
                                             "created_at",
                                             "updated_at",
                                             "stats"};

/// An endpoint as every route but create renders it: documented fields in order, no secret.
void check_endpoint_shape(const json& ep) {
  CHECK(keys_of(ep) == endpoint_keys);
  CHECK(ep["id"].get<std::string>().starts_with("ep_"));
  CHECK(ep["id"].get<std::string>().size() == 3 + 26);
  CHECK(is_api_time(ep["created_at"]));
  CHECK(is_api_time(ep["updated_at"]));
  CHECK(keys_of(ep["stats"]) ==
        std::vector<std::string>{"pending", "delivered", "failed", "success_rate_1h"});
}

/// The endpoint list, page by page with `limit`; the ids in order and how many pages it took.
std::pair<std::vector<std::string>, int> page_through(api_harness& api, int limit) {
  std::vector<std::string> ids;
  int pages = 0;
  std::string cursor;
  for (;;) {
    std::string target = "/v1/endpoints?limit=" + std::to_string(limit);
    if (!cursor.empty())
      target += "&cursor=" + cursor;
    auto r = api.call("GET", target);
    INFO(show(r));
    REQUIRE(r.status == 200);
    const auto page = json_of(r);
    CHECK(keys_of(page) == std::vector<std::string>{"data", "next_cursor"});
    ++pages;
    REQUIRE(page["data"].size() <= static_cast<std::size_t>(limit));
    for (const auto& ep : page["data"]) {
      CHECK_FALSE(ep.contains("secret"));
      ids.push_back(ep["id"].get<std::string>());
    }
    if (page["next_cursor"].is_null())
      return {ids, pages};
    REQUIRE(page["next_cursor"].is_string());
    cursor = page["next_cursor"].get<std::string>();
    REQUIRE(pages < 100);
  }
}

} // namespace

TEST_CASE("api: POST /v1/endpoints answers 201 with the endpoint and its secret last",
          "[api_http][endpoints]") {
  api_harness api;
  const std::string body = R"({"url": "http://127.0.0.1:9/hooks/orders",
      "description": "Order events", "event_types": ["order.paid", "order.created", "order.paid"],
      "rate_limit_per_s": 50, "max_concurrency": 8})";
  auto r = api.call("POST", "/v1/endpoints", body);
  INFO(show(r));
  REQUIRE(r.status == 201);
  CHECK(r.header("Content-Type") == "application/json");
  const auto ep = json_of(r);
  auto keys = endpoint_keys;
  keys.push_back("secret");
  CHECK(keys_of(ep) == keys);
  CHECK(ep["url"] == "http://127.0.0.1:9/hooks/orders");
  CHECK(ep["description"] == "Order events");
  CHECK(ep["event_types"] == json::array({"order.created", "order.paid"})); // sorted, unique
  CHECK(ep["status"] == "enabled");
  CHECK(ep["disabled_reason"].is_null());
  CHECK(ep["signature_scheme"] == "standard");
  CHECK(ep["rate_limit_per_s"] == 50.0);
  CHECK(r.body.find(R"("rate_limit_per_s":50.0)") != std::string::npos); // always a float
  CHECK(ep["max_concurrency"] == 8);
  CHECK(ep["timeout_ms"].is_null());
  CHECK(ep["created_at"] == ep["updated_at"]);
  CHECK(ep["stats"] ==
        json::parse(R"({"pending":0,"delivered":0,"failed":0,"success_rate_1h":null})"));
  const auto secret = ep["secret"].get<std::string>();
  CHECK(secret.starts_with("whsec_"));

  SECTION("defaults, and a typeform endpoint keeps its own plain secret") {
    auto tf = api.create_endpoint("https://forms.example.com/typeform",
                                  {{"signature_scheme", "typeform"},
                                   {"secret", "tf-shared-secret-2026"},
                                   {"timeout_ms", 5000}});
    CHECK(tf["signature_scheme"] == "typeform");
    CHECK(tf["secret"] == "tf-shared-secret-2026");
    CHECK(tf["timeout_ms"] == 5000);
    CHECK(tf["description"] == "");
    CHECK(tf["event_types"] == json::array());
    CHECK(tf["rate_limit_per_s"] == 0.0);
    CHECK(tf["max_concurrency"] == 16);
  }

  SECTION("GET, list, PATCH, enable and disable never show the secret") {
    const auto id = ep["id"].get<std::string>();
    const std::vector<std::pair<std::string, std::string>> reads{
        {"GET", "/v1/endpoints/" + id},
        {"GET", "/v1/endpoints"},
        {"PATCH", "/v1/endpoints/" + id},
        {"POST", "/v1/endpoints/" + id + "/disable"},
        {"POST", "/v1/endpoints/" + id + "/enable"},
    };
    for (const auto& [method, target] : reads) {
      CAPTURE(method, target);
      auto got = api.call(method, target, method == "PATCH" ? R"({"description":"x"})" : "");
      INFO(show(got));
      CHECK(got.status == 200);
      CHECK(got.body.find(secret) == std::string::npos);
      CHECK(got.body.find("\"secret\"") == std::string::npos);
    }
    const auto one = api.get_endpoint(id);
    check_endpoint_shape(one);
    CHECK(one["id"] == id);
    CHECK(one["description"] == "x");
  }

  SECTION("GET .../secret shows the secret, and no previous one before any rotation") {
    auto got = api.call("GET", "/v1/endpoints/" + ep["id"].get<std::string>() + "/secret");
    INFO(show(got));
    REQUIRE(got.status == 200);
    const auto s = json_of(got);
    CHECK(keys_of(s) ==
          std::vector<std::string>{"secret", "previous_secret", "previous_expires_at"});
    CHECK(s["secret"] == secret);
    CHECK(s["previous_secret"].is_null());
    CHECK(s["previous_expires_at"].is_null());
  }
}

TEST_CASE("api: PATCH /v1/endpoints/{id} changes only the fields given", "[api_http][endpoints]") {
  api_harness api;
  const auto ep = api.create_endpoint(
      "http://127.0.0.1:9/a",
      {{"description", "first"}, {"event_types", {"a.b"}}, {"max_concurrency", 4}});
  const auto id = ep["id"].get<std::string>();
  auto r = api.call(
      "PATCH", "/v1/endpoints/" + id,
      R"({"url":"https://example.com/b","event_types":["z","y","z"],"timeout_ms":10000,"rate_limit_per_s":2.5})");
  INFO(show(r));
  REQUIRE(r.status == 200);
  const auto patched = json_of(r);
  check_endpoint_shape(patched);
  CHECK(patched["url"] == "https://example.com/b");
  CHECK(patched["event_types"] == json::array({"y", "z"}));
  CHECK(patched["timeout_ms"] == 10000);
  CHECK(patched["rate_limit_per_s"] == 2.5);
  CHECK(patched["description"] == "first"); // untouched
  CHECK(patched["max_concurrency"] == 4);
  CHECK(patched["created_at"] == ep["created_at"]);
  CHECK(patched["updated_at"].get<std::string>() >= ep["updated_at"].get<std::string>());
  CHECK(api.get_endpoint(id)["url"] == "https://example.com/b");

  // An empty body counts as {}.
  auto empty = api.call("PATCH", "/v1/endpoints/" + id);
  INFO(show(empty));
  CHECK(empty.status == 200);
  // status cannot be PATCHed.
  auto status = api.call("PATCH", "/v1/endpoints/" + id, R"({"status":"disabled"})");
  CHECK(status.status == 400);
  CHECK(error_code(status) == "unknown_field");
}

TEST_CASE("api: 25 endpoints come back in pages of 10 through next_cursor, in id order",
          "[api_http][endpoints][pagination]") {
  api_harness api;
  std::vector<std::string> created;
  for (int i = 0; i < 25; ++i)
    created.push_back(
        api.create_endpoint("http://127.0.0.1:9/ep" + std::to_string(i))["id"].get<std::string>());

  // Pages come in id order and together hold every endpoint once. (That id order is creation
  // order is checked on its own below.)
  auto in_id_order = created;
  std::sort(in_id_order.begin(), in_id_order.end());
  const auto [ids, pages] = page_through(api, 10);
  CHECK(pages == 3);
  CHECK(ids == in_id_order);

  // A full last page already has next_cursor null: no trailing empty page.
  CHECK(page_through(api, 25) == std::pair{in_id_order, 1});
  CHECK(page_through(api, 5).second == 5);
  // Default page size 20.
  auto first = api.call("GET", "/v1/endpoints");
  REQUIRE(first.status == 200);
  CHECK(json_of(first)["data"].size() == 20);
  CHECK(json_of(first)["next_cursor"].is_string());
}

TEST_CASE("api: endpoint ids sort by creation time, so the list is in creation order",
          "[api_http][endpoints][pagination]") {
  // docs/api.md: "Endpoint and message ids sort by creation time" and list items "are in id
  // order (creation order)"; a client paging with a cursor relies on it ("endpoints created
  // while you page appear at the end"). Endpoints created one after another, many within the
  // same millisecond.
  api_harness api;
  std::vector<std::string> created;
  for (int i = 0; i < 100; ++i)
    created.push_back(
        api.create_endpoint("http://127.0.0.1:9/ep" + std::to_string(i))["id"].get<std::string>());
  std::vector<std::string> out_of_order;
  for (std::size_t i = 1; i < created.size(); ++i)
    if (created[i] <= created[i - 1])
      out_of_order.push_back(created[i - 1] + " then " + created[i]);
  INFO(out_of_order.size() << " of 99 consecutive pairs out of order, e.g. "
                           << (out_of_order.empty() ? "" : out_of_order.front()));
  CHECK(out_of_order.empty());
  CHECK(page_through(api, 100).first == created);
}

TEST_CASE("api: bad pagination parameters are 400 malformed_request",
          "[api_http][endpoints][pagination]") {
  api_harness api;
  for (int i = 0; i < 3; ++i)
    api.create_endpoint("http://127.0.0.1:9/ep" + std::to_string(i));
  auto first = api.call("GET", "/v1/endpoints?limit=1");
  REQUIRE(first.status == 200);
  const auto cursor = json_of(first)["next_cursor"].get<std::string>();

  const std::vector<std::string> bad{"limit=0",     "limit=101",    "limit=x",
                                     "limit=",      "limit=-1",     "limit=1.5",
                                     "limit=10abc", "cursor=bogus", "cursor=",
                                     "cursor=%zz",  "cursor=YzE6",  "limit=99999999999999999999"};
  for (const auto& query : bad) {
    CAPTURE(query);
    auto r = api.call("GET", "/v1/endpoints?" + query);
    INFO(show(r));
    CHECK(r.status == 400);
    CHECK(error_code(r) == "malformed_request");
  }
  // The good cursor still works, and unknown parameters are ignored.
  auto next = api.call("GET", "/v1/endpoints?limit=1&cursor=" + cursor + "&colour=blue");
  INFO(show(next));
  CHECK(next.status == 200);
  auto limit100 = api.call("GET", "/v1/endpoints?limit=100");
  CHECK(limit100.status == 200);
  CHECK(json_of(limit100)["data"].size() == 3);
}

TEST_CASE("api: a decodable cursor that hookd did not produce is 400 malformed_request",
          "[api_http][endpoints][pagination]") {
  // docs/api.md, Pagination: the cursor "is opaque; one that hookd did not produce is 400
  // malformed_request". base64url("c1:zzz") has the right prefix but names no endpoint.
  api_harness api;
  api.create_endpoint("http://127.0.0.1:9/a");
  auto r = api.call("GET", "/v1/endpoints?cursor=YzE6enp6");
  INFO(show(r));
  CHECK(r.status == 400);
  CHECK(error_code(r) == "malformed_request");
}

TEST_CASE("api: an endpoint's success_rate_1h counts its attempts of the last hour",
          "[api_http][endpoints]") {
  // Two attempts of one message: a 500, then (the retry) a 200.
  std::atomic<int> calls{0};
  test_receiver rx{[&](const received_request&) { return reply::with_status(calls++ == 0 ? 500 : 200); }};
  api_harness api;
  const auto ep = api.create_endpoint(rx.url("/rate"))["id"].get<std::string>();
  const auto idle = api.create_endpoint(rx.url("/idle"), {{"event_types", {"never.sent"}}});
  const auto msg = api.post_message("order.paid", "{}", ep)["id"].get<std::string>();
  REQUIRE(api.wait_for_delivery(msg, ep, "delivered", std::chrono::seconds{20}));

  const auto stats = api.get_endpoint(ep)["stats"];
  CHECK(stats["delivered"] == 1);
  CHECK(stats["success_rate_1h"] == 0.5);
  CHECK(api.get_endpoint(idle["id"].get<std::string>())["stats"]["success_rate_1h"].is_null());
  const auto listed = json::parse(api.call("GET", "/v1/endpoints").body);
  bool found = false;
  for (const auto& e : listed["data"])
    if (e["id"] == ep) {
      found = true;
      CHECK(e["stats"]["success_rate_1h"] == 0.5);
    }
  CHECK(found);
}

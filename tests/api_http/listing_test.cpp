// GET /v1/messages (filters, cursors) and GET /v1/applications over real HTTP: what the native
// API shows of the data the Svix API writes, and its bad-input answers.
#include "tests/api_http/api_harness.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <thread>

using namespace hookd;
using namespace hookd::testing;

namespace {

/// Every message of GET /v1/messages with `query`, following next_cursor.
std::vector<json> all_messages(api_harness& api, const std::string& query) {
  std::vector<json> out;
  std::string cursor;
  for (int pages = 0; pages < 1000; ++pages) {
    auto r = api.call("GET", "/v1/messages?" + query + (cursor.empty() ? "" : "&cursor=" + cursor));
    INFO(show(r));
    REQUIRE(r.status == 200);
    auto page = json_of(r);
    for (const auto& m : page["data"])
      out.push_back(m);
    if (page["next_cursor"].is_null())
      return out;
    cursor = page["next_cursor"].get<std::string>();
  }
  FAIL("GET /v1/messages did not end");
  return out;
}

} // namespace

TEST_CASE("GET /v1/messages lists newest first and filters by type, endpoint, status and time", "[api][messages]") {
  api_harness api;
  test_receiver rx{[](const received_request& r) {
    return r.target == "/gone" ? reply::with_status(410) : reply::ok();
  }};
  auto ok = api.create_endpoint(rx.url("/ok"), {{"event_types", {"order.paid"}}})["id"].get<std::string>();
  auto gone = api.create_endpoint(rx.url("/gone"), {{"event_types", {"order.void"}}})["id"].get<std::string>();
  const auto start = api_time(-std::chrono::seconds{1});
  std::vector<std::string> paid, voided;
  for (int i = 0; i < 5; ++i) {
    paid.push_back(api.post_message("order.paid", R"({"i":)" + std::to_string(i) + "}")["id"].get<std::string>());
    voided.push_back(api.post_message("order.void", R"({"i":)" + std::to_string(i) + "}")["id"].get<std::string>());
  }
  REQUIRE(api.wait_for_delivery(paid.back(), ok, "delivered"));
  REQUIRE(api.wait_for_delivery(voided.front(), gone, "failed"));

  auto all = all_messages(api, "limit=3");
  REQUIRE(all.size() == 10);
  CHECK(all.front()["id"] == voided.back());
  CHECK(all.front()["payload"]["i"] == 4);
  CHECK(all.front()["application_id"].is_null());
  CHECK_FALSE(all.front().contains("deliveries"));

  CHECK(all_messages(api, "event_type=order.paid").size() == 5);
  auto to_ok = all_messages(api, "endpoint_id=" + ok);
  REQUIRE(to_ok.size() == 5);
  CHECK(to_ok.front()["id"] == paid.back());
  // The 410 disabled the endpoint: every one of its deliveries failed.
  CHECK(all_messages(api, "status=failed").size() == 5);
  CHECK(all_messages(api, "status=delivered&event_type=order.paid").size() == 5);
  CHECK(all_messages(api, "since=" + start).size() == 10);
  CHECK(all_messages(api, "until=" + start).empty());
}

TEST_CASE("GET /v1/messages refuses a bad limit, cursor, status or time", "[api][messages][errors]") {
  api_harness api;
  for (const char* query : {"limit=0", "limit=101", "limit=x", "cursor=garbage", "status=sent",
                            "since=yesterday", "until=2026-13-01T00:00:00Z"}) {
    INFO(query);
    auto r = api.call("GET", std::string{"/v1/messages?"} + query);
    CHECK(r.status == 400);
    CHECK(error_code(r) == "malformed_request");
  }
  // Unknown parameters are ignored; an unknown application or endpoint lists nothing.
  auto r = api.call("GET", "/v1/messages?whatever=1&application_id=app_nope&endpoint_id=ep_nope");
  CHECK(r.status == 200);
  CHECK(json_of(r)["data"].empty());
}

TEST_CASE("GET /v1/applications lists and gets the Svix API's applications", "[api][applications]") {
  api_harness api;
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto r = api.call("POST", "/api/v1/app", R"({"name":"T)" + std::to_string(i) + R"(","uid":"t)" +
                                                 std::to_string(i) + R"(","metadata":{"k":"v"}})");
    REQUIRE(r.status == 201);
    ids.insert(json_of(r)["id"].get<std::string>());
  }
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  for (;;) {
    auto page = json_of(api.call("GET", "/v1/applications?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor)));
    ++pages;
    for (const auto& app : page["data"]) {
      seen.insert(app["id"].get<std::string>());
      CHECK(app["metadata"]["k"] == "v");
    }
    if (page["next_cursor"].is_null())
      break;
    cursor = page["next_cursor"].get<std::string>();
  }
  CHECK(seen == ids);
  CHECK(pages == 3);
  auto one = json_of(api.call("GET", "/v1/applications/t3"));
  CHECK(one["uid"] == "t3");
  CHECK(one["name"] == "T3");
  CHECK(api.call("GET", "/v1/applications/" + one["id"].get<std::string>()).status == 200);
  auto missing = api.call("GET", "/v1/applications/nope");
  CHECK(missing.status == 404);
  CHECK(error_code(missing) == "not_found");
  CHECK(api.call("GET", "/v1/applications?limit=0").status == 400);
  CHECK(api.call("GET", "/v1/applications?cursor=garbage").status == 400);
}

TEST_CASE("GET /v1/stats counts each application's endpoints and deliveries", "[api][applications]") {
  api_harness api;
  test_receiver rx;
  auto app = json_of(api.call("POST", "/api/v1/app", R"({"name":"A"})"))["id"].get<std::string>();
  auto ep = json_of(api.call("POST", "/api/v1/app/" + app + "/endpoint", json{{"url", rx.url("/")}}.dump()));
  REQUIRE(ep.contains("id"));
  auto msg = json_of(api.call("POST", "/api/v1/app/" + app + "/msg", R"({"eventType":"t","payload":{}})"));
  REQUIRE(api.wait_for_delivery(msg["id"].get<std::string>(), ep["id"].get<std::string>(), "delivered"));
  api.create_endpoint(rx.url("/native")); // of no application: not in the list
  auto stats = json_of(api.call("GET", "/v1/stats"));
  REQUIRE(stats["applications"].size() == 1);
  const auto& a = stats["applications"][0];
  CHECK(a["id"] == app);
  CHECK(a["endpoints"]["enabled"] == 1);
  CHECK(a["endpoints"]["disabled"] == 0);
  CHECK(a["delivered"] == 1);
  CHECK(a["pending"] == 0);
  CHECK(a["failed"] == 0);
  // The dashboard's filter: one application's endpoints through the native list.
  auto listed = json_of(api.call("GET", "/v1/endpoints?application_id=" + app));
  REQUIRE(listed["data"].size() == 1);
  CHECK(listed["data"][0]["id"] == ep["id"]);
  CHECK(json_of(api.call("GET", "/v1/endpoints"))["data"].size() == 2);
}

// The Svix API's applications and endpoints over real HTTP: create (get_if_exists), get by id
// or uid, list with iterators, update, patch, delete; endpoints with both spellings of the
// renamed fields, custom headers, secrets, recover. Every answer is checked against
// docs/svix-openapi.json.
#include "tests/api_http/svix_support.hpp"

#include <set>

using namespace hookd;
using namespace hookd::testing;
using namespace hookd::testing::svix;

TEST_CASE("svix: an application is created once per uid, and found by id or uid", "[api][svix]") {
  api_harness api;
  auto app = create_app(api, "Acme", "acme");
  CHECK(app["id"].get<std::string>().starts_with("app_"));
  CHECK(app["uid"] == "acme");
  CHECK(app["metadata"] == json::object());

  // getOrCreate: the same uid answers 200 with the same application.
  auto again = expect(api, "POST", "/api/v1/app?get_if_exists=true", R"({"name":"Acme 2","uid":"acme"})",
                      200, "ApplicationOut");
  CHECK(again["id"] == app["id"]);
  CHECK(again["name"] == "Acme");
  // A plain create with a taken uid is a conflict.
  auto taken = api.call("POST", "/api/v1/app", R"({"name":"Other","uid":"acme"})");
  CHECK(taken.status == 409);
  check_shape(json_of(taken), "HttpErrorOut");
  // get_if_exists with a new uid creates it.
  expect(api, "POST", "/api/v1/app?get_if_exists=true", R"({"name":"Beta","uid":"beta"})", 201,
         "ApplicationOut");

  CHECK(expect(api, "GET", "/api/v1/app/acme", {}, 200, "ApplicationOut")["id"] == app["id"]);
  CHECK(expect(api, "GET", "/api/v1/app/" + app["id"].get<std::string>(), {}, 200,
               "ApplicationOut")["uid"] == "acme");
  auto missing = api.call("GET", "/api/v1/app/nobody");
  CHECK(missing.status == 404);
  check_shape(json_of(missing), "HttpErrorOut");
}

TEST_CASE("svix: applications page with iterators, update, patch and delete", "[api][svix]") {
  api_harness api;
  std::set<std::string> made;
  for (int i = 0; i < 7; ++i)
    made.insert(create_app(api, "app " + std::to_string(i))["id"].get<std::string>());
  int pages = 0;
  auto all = all_items(api, "/api/v1/app?limit=3", "ListResponse_ApplicationOut_", &pages);
  CHECK(all.size() == 7);
  CHECK(pages == 3);
  std::set<std::string> seen;
  for (const auto& a : all)
    seen.insert(a["id"].get<std::string>());
  CHECK(seen == made);

  const auto id = *made.begin();
  auto put = expect(api, "PUT", "/api/v1/app/" + id,
                    R"({"name":"Renamed","uid":"renamed","rateLimit":5,"metadata":{"tier":"gold"}})",
                    200, "ApplicationOut");
  CHECK(put["name"] == "Renamed");
  CHECK(put["rateLimit"] == 5);
  CHECK(put["throttleRate"] == 5);
  CHECK(put["metadata"]["tier"] == "gold");
  auto patched = expect(api, "PATCH", "/api/v1/app/renamed", R"({"name":"Patched"})", 200, "ApplicationOut");
  CHECK(patched["name"] == "Patched");
  CHECK(patched["uid"] == "renamed"); // untouched by a patch that does not name it
  CHECK(patched["metadata"]["tier"] == "gold");
  patched = expect(api, "PATCH", "/api/v1/app/renamed", R"({"uid":null,"throttleRate":9})", 200,
                   "ApplicationOut");
  CHECK(patched["uid"].is_null());
  CHECK(patched["rateLimit"] == 9);

  expect(api, "DELETE", "/api/v1/app/" + id, {}, 204);
  CHECK(api.call("GET", "/api/v1/app/" + id).status == 404);
  CHECK(api.call("DELETE", "/api/v1/app/" + id).status == 404);
}

TEST_CASE("svix: deleting an application deletes its endpoints and leaves others alone", "[api][svix]") {
  api_harness api;
  test_receiver rx;
  auto a = create_app(api, "A")["id"].get<std::string>();
  auto b = create_app(api, "B")["id"].get<std::string>();
  auto ea = create_endpoint(api, a, {{"url", rx.url("/a")}})["id"].get<std::string>();
  auto eb = create_endpoint(api, b, {{"url", rx.url("/b")}})["id"].get<std::string>();
  expect(api, "DELETE", "/api/v1/app/" + a, {}, 204);
  CHECK(api.call("GET", "/v1/endpoints/" + ea).status == 404);
  CHECK(api.call("GET", "/v1/endpoints/" + eb).status == 200);
  CHECK(expect(api, "GET", "/api/v1/app/" + b + "/endpoint/" + eb, {}, 200, "EndpointOut")["id"] == eb);
}

TEST_CASE("svix: endpoints take both spellings of renamed fields and answer with both", "[api][svix]") {
  api_harness api;
  test_receiver rx;
  auto app = create_app(api, "A", "a")["id"].get<std::string>();
  auto one = create_endpoint(api, app,
                             {{"url", rx.url("/1")},
                              {"uid", "primary"},
                              {"description", "first"},
                              {"filterTypes", {"invoice.paid", "invoice.voided"}},
                              {"rateLimit", 10},
                              {"metadata", {{"team", "billing"}}}});
  CHECK(one["filterTypes"] == json({"invoice.paid", "invoice.voided"}));
  CHECK(one["eventTypes"] == one["filterTypes"]);
  CHECK(one["rateLimit"] == 10);
  CHECK(one["throttleRate"] == 10);
  CHECK(one["disabled"] == false);
  CHECK(one["version"] == 1);
  CHECK(one["metadata"]["team"] == "billing");
  auto two = create_endpoint(api, "a", {{"url", rx.url("/2")}, {"eventTypes", {"x.y"}}, {"throttleRate", 3}});
  CHECK(two["filterTypes"] == json({"x.y"}));
  CHECK(two["rateLimit"] == 3);
  auto all_types = create_endpoint(api, app, {{"url", rx.url("/3")}});
  CHECK(all_types["filterTypes"].is_null());

  // By uid, within its application only.
  CHECK(expect(api, "GET", "/api/v1/app/a/endpoint/primary", {}, 200, "EndpointOut")["id"] == one["id"]);
  auto other = create_app(api, "B", "b")["id"].get<std::string>();
  CHECK(api.call("GET", "/api/v1/app/b/endpoint/primary").status == 404);
  CHECK(api.call("GET", "/api/v1/app/b/endpoint/" + one["id"].get<std::string>()).status == 404);
  // A uid is unique within an application, not across them.
  CHECK(api.call("POST", "/api/v1/app/a/endpoint",
                 json{{"url", rx.url("/4")}, {"uid", "primary"}}.dump()).status == 409);
  create_endpoint(api, other, {{"url", rx.url("/5")}, {"uid", "primary"}});

  auto listed = all_items(api, "/api/v1/app/a/endpoint?limit=2", "ListResponse_EndpointOut_");
  CHECK(listed.size() == 3);

  // The native API sees the same endpoint, with its application.
  auto native = api.get_endpoint(one["id"].get<std::string>());
  CHECK(native["application_id"] == app);
  CHECK(native["url"] == rx.url("/1"));
}

TEST_CASE("svix: PUT replaces, PATCH changes what it names, and disabled moves the status", "[api][svix]") {
  api_harness api;
  test_receiver rx;
  auto app = create_app(api, "A", "a")["id"].get<std::string>();
  auto ep = create_endpoint(api, app, {{"url", rx.url("/1")}, {"uid", "u1"}, {"description", "d"},
                                       {"filterTypes", {"t.a"}}, {"metadata", {{"k", "v"}}}});
  const auto id = ep["id"].get<std::string>();
  auto patched = expect(api, "PATCH", "/api/v1/app/a/endpoint/u1", R"({"disabled":true})", 200, "EndpointOut");
  CHECK(patched["disabled"] == true);
  CHECK(patched["description"] == "d");
  CHECK(api.get_endpoint(id)["status"] == "disabled");
  CHECK(api.get_endpoint(id)["disabled_reason"] == "manual");

  // PUT: url required; what it leaves out is reset, and it enables unless told otherwise.
  auto put = expect(api, "PUT", "/api/v1/app/a/endpoint/" + id,
                    json{{"url", rx.url("/moved")}}.dump(), 200, "EndpointOut");
  CHECK(put["url"] == rx.url("/moved"));
  CHECK(put["description"] == "");
  CHECK(put["uid"].is_null());
  CHECK(put["filterTypes"].is_null());
  CHECK(put["metadata"] == json::object());
  CHECK(put["disabled"] == false);
  CHECK(api.get_endpoint(id)["status"] == "enabled");
  put = expect(api, "PUT", "/api/v1/app/a/endpoint/" + id,
               json{{"url", rx.url("/moved")}, {"disabled", true}, {"uid", "again"}}.dump(), 200,
               "EndpointOut");
  CHECK(put["disabled"] == true);
  CHECK(put["uid"] == "again");
  CHECK(api.call("PUT", "/api/v1/app/a/endpoint/" + id, R"({"description":"no url"})").status == 422);
}

TEST_CASE("svix: secrets are read as {key} and rotated with 204", "[api][svix]") {
  api_harness api;
  test_receiver rx;
  auto app = create_app(api, "A")["id"].get<std::string>();
  const std::string mine = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  auto ep = create_endpoint(api, app, {{"url", rx.url("/1")}, {"secret", mine}});
  const auto base = "/api/v1/app/" + app + "/endpoint/" + ep["id"].get<std::string>();
  auto secret = expect(api, "GET", base + "/secret", {}, 200, "EndpointSecretOut");
  CHECK(secret["key"] == mine);
  // A key without the prefix is taken as whsec_<key>.
  expect(api, "POST", base + "/secret/rotate", R"({"key":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMw=="})", 204);
  CHECK(expect(api, "GET", base + "/secret", {}, 200, "EndpointSecretOut")["key"] ==
        "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMw==");
  expect(api, "POST", base + "/secret/rotate", "{}", 204);
  auto generated = expect(api, "GET", base + "/secret", {}, 200, "EndpointSecretOut")["key"].get<std::string>();
  CHECK(generated.starts_with("whsec_"));
  // The native API shows the rotation's overlap: the previous key still signs.
  auto native = json_of(api.call("GET", "/v1/endpoints/" + ep["id"].get<std::string>() + "/secret"));
  CHECK(native["previous_secret"] == "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMw==");
  CHECK(api.call("POST", base + "/secret/rotate", R"({"key":"short"})").status == 422);
}

TEST_CASE("svix: custom headers are read, replaced and patched, never hookd's own", "[api][svix]") {
  api_harness api;
  test_receiver rx;
  auto app = create_app(api, "A")["id"].get<std::string>();
  auto ep = create_endpoint(api, app, {{"url", rx.url("/1")}, {"headers", {{"X-Team", "billing"}}}});
  const auto base = "/api/v1/app/" + app + "/endpoint/" + ep["id"].get<std::string>();
  auto h = expect(api, "GET", base + "/headers", {}, 200, "EndpointHeadersOut");
  CHECK(h["headers"] == json({{"X-Team", "billing"}}));
  expect(api, "PUT", base + "/headers", R"({"headers":{"X-A":"1","X-B":"2"}})", 204);
  CHECK(expect(api, "GET", base + "/headers", {}, 200, "EndpointHeadersOut")["headers"] ==
        json({{"X-A", "1"}, {"X-B", "2"}}));
  expect(api, "PATCH", base + "/headers", R"({"headers":{"x-a":null,"X-C":"3"}})", 204);
  CHECK(expect(api, "GET", base + "/headers", {}, 200, "EndpointHeadersOut")["headers"] ==
        json({{"X-B", "2"}, {"X-C", "3"}}));
  for (const char* reserved : {"Content-Type", "svix-id", "webhook-signature", "Host", "User-Agent"}) {
    INFO(reserved);
    auto r = api.call("PUT", base + "/headers", json{{"headers", {{reserved, "x"}}}}.dump());
    CHECK(r.status == 422);
    check_shape(json_of(r), "HTTPValidationError");
  }
  CHECK(api.call("PUT", base + "/headers", R"({"headers":{"X-Bad":"a\nb"}})").status == 422);
}

TEST_CASE("svix: recover re-queues failed deliveries since a time", "[api][svix]") {
  api_harness api;
  test_receiver rx;
  auto app = create_app(api, "A")["id"].get<std::string>();
  auto ep = create_endpoint(api, app, {{"url", rx.url("/1")}});
  const auto base = "/api/v1/app/" + app + "/endpoint/" + ep["id"].get<std::string>();
  auto task = expect(api, "POST", base + "/recover", json{{"since", api_time(-std::chrono::hours{1})}}.dump(),
                     202, "RecoverOut");
  CHECK(task["task"] == "endpoint.recover");
  CHECK(api.call("POST", base + "/recover", R"({})").status == 422);
  CHECK(api.call("POST", base + "/recover", R"({"since":"yesterday"})").status == 422);
}

TEST_CASE("svix: event types are created once by name, listed by name and read", "[api][svix]") {
  api_harness api;
  auto t = expect(api, "POST", "/api/v1/event-type",
                  R"({"name":"invoice.paid","description":"An invoice was paid","schemas":{"1":{"type":"object"}}})",
                  201, "EventTypeOut");
  CHECK(t["schemas"]["1"]["type"] == "object");
  CHECK(t["archived"] == false);
  auto again = api.call("POST", "/api/v1/event-type", R"({"name":"invoice.paid","description":"twice"})");
  CHECK(again.status == 409);
  check_shape(json_of(again), "HttpErrorOut");
  // An archived type comes back with the new description.
  expect(api, "POST", "/api/v1/event-type", R"({"name":"old.kind","description":"old","archived":true})", 201,
         "EventTypeOut");
  auto revived = expect(api, "POST", "/api/v1/event-type", R"({"name":"old.kind","description":"new"})", 201,
                        "EventTypeOut");
  CHECK(revived["description"] == "new");
  CHECK(revived["archived"] == false);
  for (const char* name : {"a.one", "b.two", "c.three"})
    expect(api, "POST", "/api/v1/event-type", json{{"name", name}, {"description", name}}.dump(), 201, "EventTypeOut");
  int pages = 0;
  auto all = all_items(api, "/api/v1/event-type?limit=2", "ListResponse_EventTypeOut_", &pages);
  REQUIRE(all.size() == 5);
  CHECK(all[0]["name"] == "a.one"); // by name
  CHECK(pages == 3);
  CHECK(expect(api, "GET", "/api/v1/event-type/invoice.paid", {}, 200, "EventTypeOut")["description"] ==
        "An invoice was paid");
  CHECK(api.call("GET", "/api/v1/event-type/nope").status == 404);
}

// Error answers over real HTTP: 404 for unknown ids on every {id} route, 400 for bodies that
// cannot be read as the route's shape, 422 for unacceptable values, 413 for bodies over
// server.max_payload_bytes (and the daemon keeps serving), 401 for a missing or wrong token.
#include "api/router.hpp"
#include "store/sqlite_store.hpp"
#include "tests/api_http/api_harness.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

namespace {

struct body_case {
  std::string body;
  int status;
  std::string code;
};

/// Sends each case to `method target` and checks status and error code.
void check_cases(api_harness& api, const std::string& method, const std::string& target,
                 const std::vector<body_case>& cases) {
  for (const auto& c : cases) {
    CAPTURE(method, target, c.body);
    auto r = api.call(method, target, c.body);
    INFO(show(r));
    CHECK(r.status == c.status);
    CHECK(error_code(r) == c.code);
  }
}

/// A valid body for a route (the body is validated before the resource is looked up).
std::string valid_body(api::route r) {
  switch (r) {
    case api::route::patch_endpoint:
      return R"({"description":"x"})";
    case api::route::patch_source:
      return R"({"name":"x"})";
    case api::route::recover_endpoint:
      return R"({"since":"2020-01-01T00:00:00Z"})";
    case api::route::create_endpoint:
      return R"({"url":"http://127.0.0.1:9/"})";
    case api::route::create_message:
      return R"({"event_type":"t","payload":{}})";
    default:
      return {};
  }
}

std::string with_id(std::string_view path, const std::string& id) {
  std::string out{path};
  out.replace(out.find("{id}"), 4, id);
  return out;
}

std::string padded_message(std::size_t total_bytes) {
  const std::string head = R"({"event_type":"big","payload":")";
  const std::string tail = R"("})";
  return head + std::string(total_bytes - head.size() - tail.size(), 'x') + tail;
}

} // namespace

TEST_CASE("api: an unknown id is 404 not_found on every route with an {id}", "[api_http][errors]") {
  api_harness api;
  int checked = 0;
  for (const auto& route : api::all_routes()) {
    if (route.path.find("{id}") == std::string_view::npos)
      continue;
    const bool message_route = route.path.starts_with("/v1/messages");
    const std::string well_formed =
        message_route ? "msg_01M8P1JGC6YXK29E0TT86QE41X" : "ep_01M8P1JBFH27SEPX6ZGN6TWFHQ";
    for (const auto& id : {well_formed, std::string{"no-such-thing"}}) {
      const auto target = with_id(route.path, id);
      CAPTURE(route.method, target);
      auto r = api.call(route.method, target, valid_body(route.id));
      INFO(show(r));
      CHECK(r.status == 404);
      CHECK(error_code(r) == "not_found");
      ++checked;
    }
  }
  CHECK(checked == 2 * 17); // 8 endpoint, 3 message, 1 application and 5 source routes have an {id}
}

TEST_CASE("api: malformed JSON, wrong types and unknown fields are 400 on every route with a body",
          "[api_http][errors]") {
  api_harness api;
  const auto ep = api.create_endpoint("http://127.0.0.1:9/")["id"].get<std::string>();
  const std::vector<body_case> not_json{{"{", 400, "malformed_json"},
                                        {"[]", 400, "malformed_json"},
                                        {"\"text\"", 400, "malformed_json"},
                                        {"nul", 400, "malformed_json"},
                                        {"{\"a\":1} x", 400, "malformed_json"},
                                        {"{'a':1}", 400, "malformed_json"},
                                        {"{\"a\":\xff}", 400, "malformed_json"},
                                        {"[1,2", 400, "malformed_json"}};

  SECTION("POST /v1/endpoints") {
    auto cases = not_json;
    cases.insert(cases.end(), {{"", 400, "malformed_json"},
                               {R"({"url":"http://x/","bogus":1})", 400, "unknown_field"},
                               {R"({"url":"http://x/","status":"enabled"})", 400, "unknown_field"},
                               {R"({"url":5})", 400, "wrong_type"},
                               {R"({"url":"http://x/","max_concurrency":"8"})", 400, "wrong_type"},
                               {R"({"url":"http://x/","max_concurrency":1.5})", 400, "wrong_type"},
                               {R"({"url":"http://x/","timeout_ms":null})", 400, "wrong_type"},
                               {R"({"url":"http://x/","event_types":"a"})", 400, "wrong_type"},
                               {R"({"url":"http://x/","event_types":[1]})", 400, "wrong_type"},
                               {R"({"url":"http://x/","rate_limit_per_s":"1"})", 400, "wrong_type"},
                               {R"({"url":"http://x/","description":false})", 400, "wrong_type"},
                               {R"({"url":"http://x/","secret":12})", 400, "wrong_type"},
                               {R"({"url":"http://x/","signature_scheme":1})", 400, "wrong_type"}});
    check_cases(api, "POST", "/v1/endpoints", cases);
  }
  SECTION("PATCH /v1/endpoints/{id}") {
    auto cases = not_json;
    cases.insert(cases.end(), {{R"({"url":null})", 400, "wrong_type"},
                               {R"({"description":null})", 400, "wrong_type"},
                               {R"({"timeout_ms":"1000"})", 400, "wrong_type"},
                               {R"({"status":"disabled"})", 400, "unknown_field"},
                               {R"({"id":"ep_x"})", 400, "unknown_field"}});
    check_cases(api, "PATCH", "/v1/endpoints/" + ep, cases);
  }
  SECTION("POST /v1/sources") {
    auto cases = not_json;
    cases.insert(cases.end(), {{"", 400, "malformed_json"},
                               {R"({"name":"a","kind":"token","bogus":1})", 400, "unknown_field"},
                               {R"({"name":null,"kind":"token"})", 400, "wrong_type"},
                               {R"({"name":"a","kind":1})", 400, "wrong_type"},
                               {R"({"name":"a","kind":"token","secret":12})", 400, "wrong_type"},
                               {R"({"name":"a","kind":"token","event_type_from":[]})", 400, "wrong_type"}});
    check_cases(api, "POST", "/v1/sources", cases);
  }
  SECTION("PATCH /v1/sources/{id}") {
    auto src = api.call("POST", "/v1/sources", R"({"name":"a","kind":"token"})");
    REQUIRE(src.status == 201);
    auto cases = not_json;
    cases.insert(cases.end(), {{R"({"name":null})", 400, "wrong_type"},
                               {R"({"event_type_from":5})", 400, "wrong_type"},
                               {R"({"id":"src_x"})", 400, "unknown_field"}});
    check_cases(api, "PATCH", "/v1/sources/" + id_of(json_of(src)), cases);
  }
  SECTION("POST /v1/endpoints/{id}/recover") {
    auto cases = not_json;
    cases.insert(cases.end(),
                 {{"", 400, "malformed_json"},
                  {R"({"since":1700000000})", 400, "wrong_type"},
                  {R"({"since":null})", 400, "wrong_type"},
                  {R"({"since":"2020-01-01T00:00:00Z","until":"x"})", 400, "unknown_field"}});
    check_cases(api, "POST", "/v1/endpoints/" + ep + "/recover", cases);
  }
  SECTION("POST /v1/endpoints/{id}/secret/rotate") {
    auto cases = not_json;
    cases.insert(cases.end(), {{R"({"secret":1})", 400, "wrong_type"},
                               {R"({"other":"x"})", 400, "unknown_field"}});
    check_cases(api, "POST", "/v1/endpoints/" + ep + "/secret/rotate", cases);
  }
  SECTION("POST /v1/messages") {
    auto cases = not_json;
    cases.insert(cases.end(),
                 {{"", 400, "malformed_json"},
                  {R"({"event_type":1,"payload":{}})", 400, "wrong_type"},
                  {R"({"event_type":["a"],"payload":{}})", 400, "wrong_type"},
                  {R"({"event_type":"a","payload":{},"endpoint_id":5})", 400, "wrong_type"},
                  {R"({"event_type":"a","payload":{},"priority":1})", 400, "unknown_field"}});
    check_cases(api, "POST", "/v1/messages", cases);
  }
  // None of it changed the endpoint or stored a message.
  const auto now = api.get_endpoint(ep);
  CHECK(now["description"] == "");
  CHECK(now["status"] == "enabled");
  CHECK(api.inspector().load_payloads(std::vector<std::int64_t>{1, 2, 3}).empty());
}

TEST_CASE("api: an invalid URL is 422 invalid_url on create and on PATCH", "[api_http][errors]") {
  // Room for the over-long URL (4096 characters at most) in the body.
  api_harness api{[](config::config& c) { c.server.max_payload_bytes = 64 * 1024; }};
  const auto ep = api.create_endpoint("http://127.0.0.1:9/")["id"].get<std::string>();
  const std::vector<std::string> bad_urls{"ftp://example.com/x",
                                          "/relative/path",
                                          "example.com/hook",
                                          "http://user:pw@example.com/",
                                          "http://example.com/#fragment",
                                          "http://exa mple.com/",
                                          "http://",
                                          "",
                                          "https://ex\\u00e4mple.com/",
                                          "http://example.com/\\u0001",
                                          "http://example.com/" + std::string(4100, 'a')};
  for (const auto& url : bad_urls) {
    const auto body = R"({"url":")" + url + R"("})";
    for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
             {"POST", "/v1/endpoints"}, {"PATCH", "/v1/endpoints/" + ep}}) {
      CAPTURE(method, url);
      auto r = api.call(method, target, body);
      INFO(show(r));
      CHECK(r.status == 422);
      CHECK(error_code(r) == "invalid_url");
    }
  }
  CHECK(api.get_endpoint(ep)["url"] == "http://127.0.0.1:9/");
}

TEST_CASE("api: out-of-range and unacceptable values are 422 invalid_field, the bounds pass",
          "[api_http][errors]") {
  api_harness api;
  const auto ep = api.create_endpoint("http://127.0.0.1:9/")["id"].get<std::string>();
  auto endpoint_body = [](const std::string& field_json) {
    return R"({"url":"http://127.0.0.1:9/",)" + field_json + "}";
  };
  std::string many_types = R"("event_types":[)";
  for (int i = 0; i < 257; ++i)
    many_types += (i ? "," : "") + std::string{"\"t"} + std::to_string(i) + "\"";
  many_types += "]";

  const std::vector<std::string> bad_fields{R"("timeout_ms":999)",
                                            R"("timeout_ms":60001)",
                                            R"("max_concurrency":0)",
                                            R"("max_concurrency":1001)",
                                            R"("max_concurrency":-5)",
                                            R"("rate_limit_per_s":-1)",
                                            R"("rate_limit_per_s":100000.5)",
                                            R"("rate_limit_per_s":1e-300)",
                                            R"("rate_limit_per_s":0.0009)",
                                            R"("description":")" + std::string(1025, 'd') + "\"",
                                            R"("event_types":[""])",
                                            R"("event_types":[")" + std::string(257, 'e') + "\"]",
                                            R"("event_types":["a\u0001"])",
                                            many_types,
                                            R"("signature_scheme":"md5")",
                                            R"("secret":"whsec_c2hvcnQ=")",
                                            R"("secret":"plain-secret-for-a-standard-endpoint")",
                                            R"("secret":"short","signature_scheme":"typeform")"};
  for (const auto& field : bad_fields) {
    CAPTURE(field);
    auto created = api.call("POST", "/v1/endpoints", endpoint_body(field));
    INFO(show(created));
    CHECK(created.status == 422);
    CHECK(error_code(created) == "invalid_field");
    auto patched = api.call("PATCH", "/v1/endpoints/" + ep, "{" + field + "}");
    INFO(show(patched));
    CHECK(patched.status == 422);
    CHECK(error_code(patched) == "invalid_field");
  }
  check_cases(api, "POST", "/v1/endpoints", {{"{}", 422, "invalid_field"}});

  check_cases(api, "POST", "/v1/messages",
              {{R"({"payload":{}})", 422, "invalid_field"},
               {R"({"event_type":"t"})", 422, "invalid_field"},
               {R"({"event_type":"t","payload":null})", 422, "invalid_field"},
               {R"({"event_type":"","payload":{}})", 422, "invalid_field"},
               {R"({"event_type":"a\nb","payload":{}})", 422, "invalid_field"},
               {R"({"event_type":")" + std::string(257, 'e') + R"(","payload":{}})", 422,
                "invalid_field"}});
  check_cases(api, "POST", "/v1/endpoints/" + ep + "/recover",
              {{"{}", 422, "invalid_field"},
               {R"({"since":"yesterday"})", 422, "invalid_field"},
               {R"({"since":"2026-13-01T00:00:00Z"})", 422, "invalid_field"},
               {R"({"since":"2026-11-30 09:00:00"})", 422, "invalid_field"}});

  // The limits themselves are accepted.
  const std::vector<std::string> edge_fields{R"("timeout_ms":1000)",
                                             R"("timeout_ms":60000)",
                                             R"("max_concurrency":1)",
                                             R"("max_concurrency":1000)",
                                             R"("rate_limit_per_s":0)",
                                             R"("rate_limit_per_s":100000)",
                                             R"("rate_limit_per_s":0.001)",
                                             R"("description":")" + std::string(1024, 'd') + "\"",
                                             R"("event_types":[")" + std::string(256, 'e') + "\"]"};
  for (const auto& field : edge_fields) {
    CAPTURE(field);
    auto r = api.call("POST", "/v1/endpoints", endpoint_body(field));
    INFO(show(r));
    CHECK(r.status == 201);
  }
  auto longest_type = api.call("POST", "/v1/messages",
                               R"({"event_type":")" + std::string(256, 'e') + R"(","payload":1})");
  CHECK(longest_type.status == 202);
  check_cases(api, "POST", "/v1/endpoints/" + ep + "/recover",
              {{R"({"since":"2026-11-30T09:00:00.5+02:00"})", 202, ""},
               {R"({"since":"2026-11-30t09:00:00z"})", 202, ""}});
}

TEST_CASE("api: a body over max_payload_bytes is 413 payload_too_large and the daemon keeps "
          "serving",
          "[api_http][errors][413]") {
  api_harness api; // max_payload_bytes = 4096
  test_receiver rx;
  const auto ep = api.create_endpoint(rx.url())["id"].get<std::string>();
  http_connection conn{api.port()};
  const auto auth = api_harness::with_token({{"Content-Type", "application/json"}});

  SECTION("Content-Length over the limit, on each route that takes a body") {
    for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
             {"POST", "/v1/messages"},
             {"POST", "/v1/endpoints"},
             {"PATCH", "/v1/endpoints/" + ep},
             {"POST", "/v1/endpoints/" + ep + "/recover"},
             {"POST", "/v1/endpoints/" + ep + "/secret/rotate"},
             {"POST", "/v1/sources"},
             {"PATCH", "/v1/sources/src_any"},
             {"POST", "/v1/sources/src_any/secret/rotate"}}) {
      CAPTURE(method, target);
      auto r = conn.exchange(method, target, auth, padded_message(4097));
      INFO(show(r));
      CHECK(r.status == 413);
      CHECK(error_code(r) == "payload_too_large");
      CHECK_FALSE(r.keep_alive); // the server closes after its own errors
    }
  }
  SECTION("a chunked body that grows past the limit") {
    const auto body = padded_message(6000);
    std::string raw = "POST /v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                      std::string{api_harness::token} + "\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (std::size_t at = 0; at < body.size(); at += 1000) {
      const auto piece = body.substr(at, 1000);
      char size[16];
      std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      raw += size + piece + "\r\n";
    }
    raw += "0\r\n\r\n";
    auto r = conn.exchange_raw(raw);
    INFO(show(r));
    CHECK(r.status == 413);
    CHECK(error_code(r) == "payload_too_large");
  }
  SECTION("a huge announced Content-Length is refused before any body") {
    auto r = conn.exchange_raw("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: "
                               "1000000000000\r\n\r\n{");
    INFO(show(r));
    CHECK(r.status == 413);
  }

  // Afterwards: a body right at the limit is accepted, on a fresh connection and on this one.
  const auto exact = padded_message(4096);
  auto ok = conn.exchange("POST", "/v1/messages", auth, exact);
  INFO(show(ok));
  REQUIRE(ok.status == 202);
  const auto id = json_of(ok)["id"].get<std::string>();
  REQUIRE(api.wait_for_delivery(id, ep, "delivered"));
  CHECK(rx.requests().back().body == json_of(ok)["payload"].dump());
  CHECK(api.call_anonymous("GET", "/healthz").status == 200);
  // Nothing of the refused bodies was stored: the only message is the last one.
  CHECK(api.inspector().load_payloads(std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}).size() == 1);
}

TEST_CASE("api: a missing or wrong bearer token is 401 with WWW-Authenticate, health needs none",
          "[api_http][errors][auth]") {
  api_harness api;
  const std::vector<header_list> bad_auth{
      {},
      {{"Authorization", "Bearer wrong-token"}},
      {{"Authorization", std::string{"Bearer "} + api_harness::token + "x"}},
      {{"Authorization", std::string{"Basic "} + api_harness::token}},
      {{"Authorization", std::string{api_harness::token}}},
      {{"Authorization", "Bearer "}},
      {{"Authorization", "Bearer"}},
  };
  for (const auto& route : api::all_routes()) {
    if (!route.needs_auth)
      continue;
    std::string target{route.path};
    if (auto at = target.find("{id}"); at != std::string::npos)
      target.replace(at, 4, "ep_whatever");
    for (const auto& headers : bad_auth) {
      CAPTURE(route.method, target, headers.empty() ? "(none)" : headers.front().second);
      auto r = api.call_anonymous(route.method, target, valid_body(route.id), headers);
      INFO(show(r));
      CHECK(r.status == 401);
      if (api::dialect_of(route.path) == api::api_dialect::svix) // Svix's shape: {code, detail}
        CHECK(json_of(r)["code"] == "unauthorized");
      else
        CHECK(error_code(r) == "unauthorized");
      CHECK(r.header("WWW-Authenticate") == "Bearer");
    }
  }
  // Nothing was created on the way.
  CHECK(json_of(api.call("GET", "/v1/endpoints"))["data"] == json::array());

  for (const std::string& path : std::vector<std::string>{"/healthz", "/readyz"}) {
    CAPTURE(path);
    auto r = api.call_anonymous("GET", path);
    INFO(show(r));
    CHECK(r.status == 200);
    CHECK(api.call_anonymous("GET", path, {}, {{"Authorization", "Bearer wrong"}}).status == 200);
  }
  CHECK(json_of(api.call_anonymous("GET", "/healthz")) == json::parse(R"({"status":"ok"})"));
  CHECK(json_of(api.call_anonymous("GET", "/readyz")) == json::parse(R"({"status":"ready"})"));

  // The scheme name is case-insensitive; routing comes before authentication.
  auto lower = api.call_anonymous("GET", "/v1/endpoints", {},
                                  {{"Authorization", std::string{"bearer "} + api_harness::token}});
  CHECK(lower.status == 200);
  CHECK(api.call_anonymous("GET", "/v1/nothing-here").status == 404);
  auto wrong_method = api.call_anonymous("PUT", "/v1/endpoints");
  CHECK(wrong_method.status == 405);
  CHECK(wrong_method.header("Allow") == "POST, GET");
}

TEST_CASE("api: a store failure is 503 store_unavailable without the database's path",
          "[api_http][errors]") {
  api_harness api;
  // Another connection holds the write lock: the writer's BEGIN gives up after busy_timeout.
  auto other = store::open_sqlite_store(api.db_path());
  other->begin();
  auto r = api.call("POST", "/v1/messages", R"({"event_type":"t","payload":{}})");
  other->rollback();
  INFO(show(r));
  CHECK(r.status == 503);
  CHECK(error_code(r) == "store_unavailable");
  CHECK(r.body.find(api.db_path()) == std::string::npos);
  CHECK(r.body.find("sqlite") == std::string::npos);
  CHECK(r.body.find("locked") == std::string::npos);
  // The lock is gone: the same request is accepted.
  CHECK(api.call("POST", "/v1/messages", R"({"event_type":"t","payload":{}})").status == 202);
}

TEST_CASE("api: without the token a request is refused on its head, its body never read",
          "[api_http][errors][auth]") {
  api_harness api;
  http_connection c(api.port(), std::chrono::seconds{2});
  // The body is announced but never sent: the 401 must not wait for it (body_timeout is 30 s).
  auto r = c.exchange_raw("POST /v1/messages HTTP/1.1\r\nHost: x\r\n"
                          "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n");
  INFO(show(r));
  CHECK(r.status == 401);
  CHECK(error_code(r) == "unauthorized");
  CHECK(r.header("WWW-Authenticate") == "Bearer");
  CHECK(r.header("Connection") == "close");
  CHECK(c.closed_by_peer_within(std::chrono::seconds{3}));
  // With the token the same head is let through to its body.
  http_connection ok(api.port(), std::chrono::seconds{5});
  const std::string body = R"({"event_type":"a.b","payload":{}})";
  auto accepted =
      ok.exchange("POST", "/v1/messages",
                  api_harness::with_token({{"Content-Type", "application/json"}}), body);
  INFO(show(accepted));
  CHECK(accepted.status / 100 == 2);
}

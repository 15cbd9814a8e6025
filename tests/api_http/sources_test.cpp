// /v1/sources over real HTTP: create, list, get, patch, delete, the secret and its rotation,
// and every bad input (malformed JSON, wrong types, unknown fields and ids, oversized bodies).
#include "tests/api_http/api_harness.hpp"

#include <catch2/catch.hpp>

using namespace hookd;
using namespace hookd::testing;

namespace {

json create_source(api_harness& api, json body) {
  auto r = api.call("POST", "/v1/sources", body.dump());
  INFO(show(r));
  REQUIRE(r.status == 201);
  return json_of(r);
}

} // namespace

TEST_CASE("sources are created, listed, read, changed and deleted, the secret only where asked", "[api][sources]") {
  api_harness api;
  auto tf = create_source(api, {{"name", "onboarding"}, {"kind", "typeform"}, {"secret", "typeform-secret-1"}});
  const auto id = id_of(tf);
  CHECK(id.starts_with("src_"));
  CHECK(tf["kind"] == "typeform");
  CHECK(tf["secret"] == "typeform-secret-1");
  CHECK(tf["inbound_path"] == "/in/" + id);
  CHECK(tf["event_type_from"].is_null());
  // Generated secrets suit their kind.
  auto std_src = create_source(api, {{"name", "partner"}, {"kind", "standard"}});
  CHECK(std_src["secret"].get<std::string>().starts_with("whsec_"));
  auto gh = create_source(api, {{"name", "repo"}, {"kind", "github"}, {"event_type_from", "/action"}});
  CHECK(gh["secret"].get<std::string>().size() == 64);
  CHECK(gh["event_type_from"] == "/action");

  auto one = api.call("GET", "/v1/sources/" + id);
  REQUIRE(one.status == 200);
  CHECK_FALSE(json_of(one).contains("secret"));
  CHECK(json_of(one)["name"] == "onboarding");

  // Pages of one, in creation order, never with a secret.
  std::vector<std::string> seen;
  std::string cursor;
  for (int i = 0; i < 5; ++i) {
    auto r = api.call("GET", "/v1/sources?limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor));
    REQUIRE(r.status == 200);
    auto page = json_of(r);
    REQUIRE(page["data"].size() == 1);
    CHECK_FALSE(page["data"][0].contains("secret"));
    seen.push_back(id_of(page["data"][0]));
    if (page["next_cursor"].is_null())
      break;
    cursor = page["next_cursor"].get<std::string>();
  }
  CHECK(seen == std::vector<std::string>{id, id_of(std_src), id_of(gh)});

  auto patched = api.call("PATCH", "/v1/sources/" + id, R"({"name":"signups","event_type_from":"/form_response/hidden/kind"})");
  REQUIRE(patched.status == 200);
  CHECK(json_of(patched)["name"] == "signups");
  CHECK(json_of(patched)["event_type_from"] == "/form_response/hidden/kind");
  CHECK(json_of(api.call("GET", "/v1/sources/" + id))["name"] == "signups");

  auto secret = api.call("GET", "/v1/sources/" + id + "/secret");
  REQUIRE(secret.status == 200);
  CHECK(json_of(secret)["secret"] == "typeform-secret-1");
  CHECK(json_of(secret)["previous_secret"].is_null());

  auto rotated = api.call("POST", "/v1/sources/" + id + "/secret/rotate", R"({"secret":"typeform-secret-2"})");
  REQUIRE(rotated.status == 200);
  CHECK(json_of(rotated)["secret"] == "typeform-secret-2");
  auto after = json_of(api.call("GET", "/v1/sources/" + id + "/secret"));
  CHECK(after["secret"] == "typeform-secret-2");
  CHECK(after["previous_secret"] == "typeform-secret-1");
  CHECK(after["previous_expires_at"].is_string());
  auto generated = api.call("POST", "/v1/sources/" + id + "/secret/rotate");
  REQUIRE(generated.status == 200);
  CHECK(json_of(generated)["secret"].get<std::string>().size() == 64);

  REQUIRE(api.call("DELETE", "/v1/sources/" + id).status == 204);
  CHECK(api.call("GET", "/v1/sources/" + id).status == 404);
  CHECK(api.call("DELETE", "/v1/sources/" + id).status == 404);
}

TEST_CASE("/v1/sources refuses bad input and unknown ids with clear errors", "[api][sources][errors]") {
  api_harness api;
  struct row {
    const char* body;
    int status;
    const char* code;
  };
  const std::vector<row> creates{
      {"{", 400, "malformed_json"},
      {"[]", 400, "malformed_json"},
      {R"({"name":"a","kind":"typeform","colour":"red"})", 400, "unknown_field"},
      {R"({"name":5,"kind":"typeform"})", 400, "wrong_type"},
      {R"({"name":"a","kind":["typeform"]})", 400, "wrong_type"},
      {R"({"kind":"typeform"})", 422, "invalid_field"},
      {R"({"name":"a"})", 422, "invalid_field"},
      {R"({"name":"","kind":"typeform"})", 422, "invalid_field"},
      {R"({"name":"a","kind":"paypal"})", 422, "invalid_field"},
      {R"({"name":"a","kind":"typeform","secret":"short"})", 422, "invalid_field"},
      {R"({"name":"a","kind":"stripe"})", 422, "invalid_field"}, // Stripe makes the secret
      {R"({"name":"a","kind":"standard","secret":"not-whsec"})", 422, "invalid_field"},
      {R"({"name":"a","kind":"typeform","event_type_from":"event_type"})", 422, "invalid_field"},
  };
  for (const auto& r : creates) {
    INFO(r.body);
    auto res = api.call("POST", "/v1/sources", r.body);
    CHECK(res.status == r.status);
    CHECK(error_code(res) == r.code);
  }
  CHECK(api.call("POST", "/v1/sources", std::string(5000, ' ')).status == 413);
  auto listed = json_of(api.call("GET", "/v1/sources"));
  CHECK(listed["data"].empty()); // nothing was stored by a refused request

  auto src = create_source(api, {{"name", "a"}, {"kind", "stripe"}, {"secret", "whsec_stripe_test_1234"}});
  const auto id = id_of(src);
  for (const char* body : {R"({"kind":"github"})", R"({"secret":"another-secret"})"}) {
    INFO(body);
    auto res = api.call("PATCH", "/v1/sources/" + id, body);
    CHECK(res.status == 422);
  }
  CHECK(error_code(api.call("PATCH", "/v1/sources/" + id, R"({"nme":"b"})")) == "unknown_field");
  CHECK(error_code(api.call("PATCH", "/v1/sources/" + id, "nope")) == "malformed_json");
  CHECK(error_code(api.call("POST", "/v1/sources/" + id + "/secret/rotate", R"({"secret":7})")) == "wrong_type");
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/sources/src_nope"},
           {"PATCH", "/v1/sources/src_nope"},
           {"DELETE", "/v1/sources/src_nope"},
           {"GET", "/v1/sources/src_nope/secret"},
           {"POST", "/v1/sources/src_nope/secret/rotate"}}) {
    INFO(method << " " << path);
    auto res = api.call(method, path, method == "PATCH" ? R"({"name":"x"})" : "");
    CHECK(res.status == 404);
    CHECK(error_code(res) == "not_found");
  }
  for (const char* q : {"limit=0", "limit=x", "cursor=garbage"})
    CHECK(api.call("GET", std::string{"/v1/sources?"} + q).status == 400);
  CHECK(api.call_anonymous("GET", "/v1/sources").status == 401);
  CHECK(json_of(api.call("GET", "/v1/sources/" + id))["name"] == "a");
}

#include "api/requests.hpp"

#include "policy/signing.hpp"

#include <catch2/catch.hpp>

using namespace hookd;
using namespace hookd::api;

namespace {

template <class T>
int status_of(const parsed<T>& p) {
  return std::holds_alternative<api_error>(p) ? std::get<api_error>(p).status : 0;
}

template <class T>
std::string message_of(const parsed<T>& p) {
  return std::holds_alternative<api_error>(p) ? std::get<api_error>(p).message : "";
}

} // namespace

TEST_CASE("endpoint bodies: malformed JSON and wrong types are 400, bad values 422",
          "[api][requests]") {
  struct row {
    const char* body;
    int status;
    const char* mentions;
  };
  const row table[] = {
      {"", 400, "JSON"},
      {"{", 400, "JSON"},
      {"[]", 400, "object"},
      {"\"url\"", 400, "object"},
      {R"({"url": 5})", 400, "url"},
      {R"({"url": "http://127.0.0.1/x", "event_types": "a"})", 400, "event_types"},
      {R"({"url": "http://127.0.0.1/x", "event_types": [1]})", 400, "event_types"},
      {R"({"url": "http://127.0.0.1/x", "rate_limit_per_s": "5"})", 400, "rate_limit_per_s"},
      {R"({"url": "http://127.0.0.1/x", "max_concurrency": 1.5})", 400, "max_concurrency"},
      {R"({"url": "http://127.0.0.1/x", "colour": "red"})", 400, "colour"},
      {R"({"description": "no url"})", 422, "url"},
      {R"({"url": "ftp://example.com/"})", 422, "url"},
      {R"({"url": "not a url"})", 422, "url"},
      {R"({"url": "http://user@example.com/"})", 422, "url"},
      {R"({"url": "http://127.0.0.1/x", "signature_scheme": "md5"})", 422, "signature_scheme"},
      {R"({"url": "http://127.0.0.1/x", "rate_limit_per_s": -1})", 422, "rate_limit_per_s"},
      {R"({"url": "http://127.0.0.1/x", "max_concurrency": 0})", 422, "max_concurrency"},
      {R"({"url": "http://127.0.0.1/x", "timeout_ms": 500})", 422, "timeout_ms"},
      {R"({"url": "http://127.0.0.1/x", "timeout_ms": 60001})", 422, "timeout_ms"},
      {R"({"url": "http://127.0.0.1/x", "event_types": [""]})", 422, "event_types"},
  };
  for (const auto& r : table) {
    INFO(r.body);
    auto p = parse_endpoint_fields(r.body, true);
    CHECK(status_of(p) == r.status);
    CHECK_THAT(message_of(p), Catch::Contains(r.mentions));
  }
}

TEST_CASE("a full endpoint body is applied", "[api][requests]") {
  auto p = parse_endpoint_fields(R"({"url": "https://example.com/hook", "description": "d",
    "event_types": ["b", "a", "a"], "signature_scheme": "typeform", "rate_limit_per_s": 2.5,
    "max_concurrency": 4, "timeout_ms": 5000, "secret": "a-typeform-secret-123"})",
                                 true);
  REQUIRE(status_of(p) == 0);
  store::endpoint_record ep;
  REQUIRE_FALSE(apply_endpoint_fields(std::get<endpoint_fields>(p), ep));
  CHECK(ep.url == "https://example.com/hook");
  CHECK(ep.event_types == std::vector<std::string>{"a", "b"});
  CHECK(ep.scheme == signature_scheme::typeform);
  CHECK(ep.rate_limit_per_s == 2.5);
  CHECK(ep.max_concurrency == 4);
  CHECK(ep.timeout_ms == 5000);
  CHECK(ep.secret == "a-typeform-secret-123");
}

TEST_CASE("secrets must fit the scheme", "[api][requests]") {
  store::endpoint_record ep;
  endpoint_fields f;
  f.secret = policy::generate_secret(32);
  CHECK_FALSE(apply_endpoint_fields(f, ep));
  f.secret = "whsec_c2hvcnQ="; // 5 bytes
  CHECK(apply_endpoint_fields(f, ep)->status == 422);
  f.secret = "plain-but-long-enough";
  CHECK(apply_endpoint_fields(f, ep)->status == 422); // standard scheme wants whsec_
  ep.scheme = signature_scheme::typeform;
  CHECK_FALSE(apply_endpoint_fields(f, ep));
}

TEST_CASE("a scheme change must leave a secret that suits it", "[api][requests]") {
  store::endpoint_record ep;
  ep.scheme = signature_scheme::typeform;
  ep.secret = "plain-typeform-secret";
  endpoint_fields f;
  f.scheme = signature_scheme::standard;
  CHECK(apply_endpoint_fields(f, ep)->status == 422);
  f.secret = policy::generate_secret();
  ep.previous_secret = "whsec_old";
  CHECK_FALSE(apply_endpoint_fields(f, ep));
  CHECK(ep.previous_secret.empty()); // a direct replacement ends any rotation overlap
}

TEST_CASE("PATCH bodies: every field optional, an empty body is allowed", "[api][requests]") {
  CHECK(status_of(parse_endpoint_fields("", false)) == 0);
  CHECK(status_of(parse_endpoint_fields("{}", false)) == 0);
  auto p = parse_endpoint_fields(R"({"description": "x"})", false);
  REQUIRE(status_of(p) == 0);
  CHECK_FALSE(std::get<endpoint_fields>(p).url);
}

TEST_CASE("message bodies keep the payload's bytes exactly", "[api][requests]") {
  const std::string body = R"({"event_type":"order.created", "payload" :  {"z": 1, "a": [1.50, "x\"}"]} })";
  auto p = parse_message_request(body);
  REQUIRE(status_of(p) == 0);
  const auto& m = std::get<message_request>(p);
  CHECK(m.event_type == "order.created");
  CHECK(m.payload == R"({"z": 1, "a": [1.50, "x\"}"]})");
  CHECK(m.endpoint_id.empty());
}

TEST_CASE("message bodies: errors", "[api][requests]") {
  struct row {
    const char* body;
    int status;
  };
  const row table[] = {
      {"", 400},
      {"nope", 400},
      {R"({"event_type": 1, "payload": {}})", 400},
      {R"({"event_type": "t", "payload": {}, "endpoint_id": 5})", 400},
      {R"({"event_type": "t", "payload": {}, "extra": 1})", 400},
      {R"({"payload": {}})", 422},
      {R"({"event_type": "t"})", 422},
      {R"({"event_type": "t", "payload": null})", 422},
      {R"({"event_type": "", "payload": {}})", 422},
  };
  for (const auto& r : table) {
    INFO(r.body);
    CHECK(status_of(parse_message_request(r.body)) == r.status);
  }
}

TEST_CASE("recover and rotate bodies", "[api][requests]") {
  auto since = parse_recover_request(R"({"since": "2026-11-30T09:00:00Z"})");
  REQUIRE(status_of(since) == 0);
  CHECK(status_of(parse_recover_request("{}")) == 422);
  CHECK(status_of(parse_recover_request(R"({"since": 5})")) == 400);
  CHECK(status_of(parse_recover_request(R"({"since": "yesterday"})")) == 422);
  CHECK(std::get<std::string>(parse_rotate_request("")).empty());
  CHECK(std::get<std::string>(parse_rotate_request(R"({"secret": "whsec_x"})")) == "whsec_x");
  CHECK(status_of(parse_rotate_request(R"({"secret": 1})")) == 400);
}

TEST_CASE("Idempotency-Key values", "[api][requests]") {
  CHECK_FALSE(check_idempotency_key("order-42"));
  CHECK(check_idempotency_key(std::string(256, 'k'))->status == 400);
  CHECK(check_idempotency_key("has space")->status == 400);
}

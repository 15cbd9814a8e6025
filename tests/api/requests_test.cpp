#include "api/requests.hpp"

#include "api/json_depth.hpp"

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

template <class T>
std::string code_of(const parsed<T>& p) {
  return std::holds_alternative<api_error>(p) ? std::get<api_error>(p).code : "";
}

/// endpoints.allow_private_targets = true, as in tests and local development.
const target_policy permissive{true, {}};
/// The production default: allow_private_targets = false, no allow_cidrs.
const target_policy strict{};

std::string url_body(const std::string& url) {
  return R"({"url": ")" + url + R"("})";
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
    auto p = parse_endpoint_fields(r.body, true, permissive);
    CHECK(status_of(p) == r.status);
    CHECK_THAT(message_of(p), Catch::Contains(r.mentions));
  }
}

TEST_CASE("rate_limit_per_s: 0 (unlimited) or 0.001..100000, tiny, huge and negative rates are "
          "422 with the range",
          "[api][requests][rate]") {
  struct row {
    const char* rate;
    bool accepted;
  };
  const row table[] = {
      {"0", true},         {"0.0", true},      {"-0", true},         {"0.001", true},
      {"1e-3", true},      {"2.5", true},      {"100000", true},     {"1e5", true},
      {"1e-300", false},   {"5e-324", false},  {"0.000999", false},  {"-1", false},
      {"-0.001", false},   {"100000.5", false}, {"1e6", false},      {"1e308", false},
  };
  for (const auto& r : table) {
    const std::string body = std::string{R"({"url": "http://127.0.0.1/x", "rate_limit_per_s": )"} +
                             r.rate + "}";
    INFO(body);
    auto p = parse_endpoint_fields(body, true, permissive);
    if (r.accepted) {
      CHECK(status_of(p) == 0);
      continue;
    }
    CHECK(status_of(p) == 422);
    CHECK(code_of(p) == "invalid_field");
    CHECK(message_of(p) ==
          "rate_limit_per_s: must be 0 (unlimited) or between 0.001 and 100000");
  }
}

TEST_CASE("a full endpoint body is applied", "[api][requests]") {
  auto p = parse_endpoint_fields(R"({"url": "https://example.com/hook", "description": "d",
    "event_types": ["b", "a", "a"], "signature_scheme": "typeform", "rate_limit_per_s": 2.5,
    "max_concurrency": 4, "timeout_ms": 5000, "secret": "a-typeform-secret-123"})",
                                 true, strict);
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
  CHECK(status_of(parse_endpoint_fields("", false, strict)) == 0);
  CHECK(status_of(parse_endpoint_fields("{}", false, strict)) == 0);
  auto p = parse_endpoint_fields(R"({"description": "x"})", false, strict);
  REQUIRE(status_of(p) == 0);
  CHECK_FALSE(std::get<endpoint_fields>(p).url);
}

TEST_CASE("endpoint URLs on literal forbidden addresses are 422 forbidden_address",
          "[api][requests][ssrf]") {
  struct row {
    const char* url;
    const char* range;
  };
  const row table[] = {
      {"http://127.0.0.1/x", "loopback address (127.0.0.0/8)"},
      {"http://127.0.0.1:8080/x", "loopback address (127.0.0.0/8)"},
      {"https://10.0.0.1/", "private address (10.0.0.0/8)"},
      {"http://172.16.5.4/", "private address (172.16.0.0/12)"},
      {"http://192.168.1.1/", "private address (192.168.0.0/16)"},
      {"http://169.254.169.254/latest/meta-data/", "link-local address (169.254.0.0/16)"},
      {"http://100.64.0.1/", "shared (carrier-grade NAT) address (100.64.0.0/10)"},
      {"http://224.0.0.1/", "multicast address (224.0.0.0/4)"},
      {"http://0.0.0.0:9000/", "unspecified address (0.0.0.0/8)"},
      {"http://255.255.255.255/", "reserved address (240.0.0.0/4)"},
      {"http://[::1]/", "loopback address (::1/128)"},
      {"http://[::1]:8080/hook", "loopback address (::1/128)"},
      {"http://[::]/", "unspecified address (::/128)"},
      {"http://[::ffff:127.0.0.1]/", "loopback address (IPv4-mapped 127.0.0.1, in 127.0.0.0/8)"},
      {"http://[::FFFF:7f00:1]/", "loopback address (IPv4-mapped 127.0.0.1, in 127.0.0.0/8)"},
      {"http://[::ffff:169.254.169.254]/", "link-local address (IPv4-mapped"},
      {"http://[64:ff9b::a9fe:a9fe]/", "link-local address (NAT64 169.254.169.254"},
      {"http://[fe80::1]/", "link-local address (fe80::/10)"},
      {"http://[fd00::1]/", "private address (fc00::/7)"},
      {"http://[ff02::1]/", "multicast address (ff00::/8)"},
  };
  for (const auto& r : table) {
    INFO(r.url);
    const auto p = parse_endpoint_fields(url_body(r.url), true, strict);
    CHECK(status_of(p) == 422);
    CHECK(code_of(p) == "forbidden_address");
    CHECK_THAT(message_of(p), Catch::StartsWith("url: "));
    CHECK_THAT(message_of(p), Catch::Contains(r.range));
    CHECK_THAT(message_of(p), Catch::Contains("endpoints.allow_private_targets"));
    CHECK_THAT(message_of(p), Catch::Contains("endpoints.allow_cidrs"));
    // PATCH checks a new URL the same way.
    CHECK(code_of(parse_endpoint_fields(url_body(r.url), false, strict)) == "forbidden_address");
    // allow_private_targets lets every one of them through.
    CHECK(status_of(parse_endpoint_fields(url_body(r.url), true, permissive)) == 0);
  }
}

TEST_CASE("allow_cidrs lets exactly its networks through", "[api][requests][ssrf]") {
  const auto targets =
      target_policy::from_config(false, {"127.0.0.0/8", "10.1.0.0/16", "fd00:1::/32"});
  for (const char* ok : {"http://127.0.0.1/", "http://127.9.9.9:81/", "http://[::ffff:127.0.0.1]/",
                         "http://10.1.200.3/", "http://[fd00:1::5]/"}) {
    INFO(ok);
    CHECK(status_of(parse_endpoint_fields(url_body(ok), true, targets)) == 0);
  }
  for (const char* refused :
       {"http://[::1]/", "http://10.2.0.1/", "http://[fd00:2::5]/", "http://169.254.169.254/"}) {
    INFO(refused);
    CHECK(code_of(parse_endpoint_fields(url_body(refused), true, targets)) == "forbidden_address");
  }
}

TEST_CASE("public addresses and host names are accepted at creation", "[api][requests][ssrf]") {
  // Host names, "localhost" included, are not resolved when the endpoint is created: the guard
  // refuses what they resolve to at connect time (attempt error forbidden_address).
  for (const char* ok : {"https://example.com/hook", "http://localhost:8080/", "http://LOCALHOST/",
                         "http://metadata.google.internal/", "http://8.8.8.8/",
                         "https://93.184.216.34:8443/x", "http://[2606:4700::1111]/"}) {
    INFO(ok);
    CHECK(status_of(parse_endpoint_fields(url_body(ok), true, strict)) == 0);
  }
}

TEST_CASE("other IPv4 spellings are invalid_url, whatever the policy", "[api][requests][ssrf]") {
  for (const char* url :
       {"http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://0x7f.0.0.1/",
        "http://127.1/", "http://127.0.0.01/", "http://017700000001/", "http://0x7f.1/"}) {
    for (const target_policy* targets : {&strict, &permissive}) {
      INFO(url << (targets == &strict ? " (strict)" : " (permissive)"));
      const auto p = parse_endpoint_fields(url_body(url), true, *targets);
      CHECK(status_of(p) == 422);
      CHECK(code_of(p) == "invalid_url");
      CHECK_THAT(message_of(p), Catch::Contains("invalid IPv4 address"));
      CHECK_THAT(message_of(p), Catch::Contains("are not accepted"));
    }
  }
}

TEST_CASE("the target policy comes from the configuration", "[api][requests][ssrf]") {
  config::config cfg;
  CHECK_FALSE(target_policy_from(cfg).allow_private_targets());
  CHECK(target_policy_from(cfg).allow_cidrs().empty());
  cfg.endpoints.allow_private_targets = true;
  cfg.endpoints.allow_cidrs = {"10.0.0.0/8"};
  const auto t = target_policy_from(cfg);
  CHECK(t.allow_private_targets());
  REQUIRE(t.allow_cidrs().size() == 1);
  CHECK(t.allow_cidrs().front().to_string() == "10.0.0.0/8");
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

// Found by fuzz/ingest_json_fuzz.cpp: the JSON parser skips a UTF-8 byte order mark, the
// payload span finder did not, and the missing span was dereferenced.
TEST_CASE("a body starting with a UTF-8 byte order mark keeps its payload bytes",
          "[api][requests]") {
  auto p = parse_message_request("\xEF\xBB\xBF{\"event_type\": \"t\", \"payload\": [1, 2]}");
  REQUIRE(status_of(p) == 0);
  CHECK(std::get<message_request>(p).payload == "[1, 2]");
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

namespace {

/// `levels` arrays around 1: "[[1]]" for 2.
std::string nested_arrays(std::size_t levels) {
  return std::string(levels, '[') + "1" + std::string(levels, ']');
}

std::string message_with_payload(const std::string& payload) {
  return R"({"event_type": "t", "payload": )" + payload + "}";
}

} // namespace

TEST_CASE("a payload nested 64 levels is accepted with its bytes, 65 is 400 too_deep",
          "[api][requests][depth]") {
  const std::string deepest = nested_arrays(max_json_nesting);
  auto ok = parse_message_request(message_with_payload(deepest));
  REQUIRE(status_of(ok) == 0);
  CHECK(std::get<message_request>(ok).payload == deepest);
  auto objects = parse_message_request(message_with_payload(
      [] {
        std::string s;
        for (std::size_t i = 0; i < max_json_nesting; ++i)
          s += R"({"a":)";
        return s + "1" + std::string(max_json_nesting, '}');
      }()));
  CHECK(status_of(objects) == 0);

  for (const std::size_t levels : {std::size_t{65}, std::size_t{1000}, std::size_t{100'000}}) {
    INFO(levels << " levels");
    auto deep = parse_message_request(message_with_payload(nested_arrays(levels)));
    CHECK(status_of(deep) == 400);
    CHECK(code_of(deep) == "too_deep");
    CHECK(message_of(deep) ==
          "the body nests arrays/objects more than 64 levels below its top-level object");
  }
}

TEST_CASE("every parsed body is depth-checked before parsing", "[api][requests][depth]") {
  const std::string deep = nested_arrays(100'000);
  const std::string too_deep_65 = nested_arrays(65);
  for (const std::string& value : {deep, too_deep_65}) {
    CHECK(code_of(parse_endpoint_fields(R"({"url": "http://127.0.0.1/x", "event_types": )" +
                                            value + "}",
                                        true, permissive)) == "too_deep");
    CHECK(code_of(parse_endpoint_fields(R"({"description": )" + value + "}", false, permissive)) ==
          "too_deep");
    CHECK(code_of(parse_recover_request(R"({"since": )" + value + "}")) == "too_deep");
    CHECK(code_of(parse_rotate_request(R"({"secret": )" + value + "}")) == "too_deep");
  }
  CHECK(code_of(parse_message_request(deep)) == "too_deep"); // a bare array body
  CHECK(code_of(parse_message_request(nested_arrays(66))) == "too_deep");
  CHECK(code_of(parse_message_request(too_deep_65)) == "malformed_json"); // not an object
  // At the limit, the other checks answer as before.
  CHECK(code_of(parse_endpoint_fields(R"({"description": )" + nested_arrays(64) + "}", false,
                                      permissive)) == "wrong_type");
}

TEST_CASE("batch bodies: each message keeps its bytes and is judged alone",
          "[api][requests][batch]") {
  const std::string body = "{ \"messages\" : [ {\"event_type\":\"a\", \"payload\": {\"x\" : [1, 2.50]}},"
                           " 7 , {\"event_type\":\"b\",\"payload\":\"s]\",\"endpoint_id\":\"ep_1\","
                           "\"idempotency_key\":\"k-1\"} ,\n" +
                           message_with_payload(nested_arrays(max_json_nesting)) + "," +
                           message_with_payload(nested_arrays(max_json_nesting + 1)) + "," +
                           message_with_payload("\"" + std::string(300, 'z') + "\"") + "]}";
  auto parsed_body = parse_batch_request(body, 250);
  REQUIRE(status_of(parsed_body) == 0);
  const auto& items = std::get<std::vector<parsed<batch_item>>>(parsed_body);
  REQUIRE(items.size() == 6);
  REQUIRE(status_of(items[0]) == 0);
  const auto& first = std::get<batch_item>(items[0]);
  CHECK(first.message.payload == "{\"x\" : [1, 2.50]}");
  CHECK(first.text == "{\"event_type\":\"a\", \"payload\": {\"x\" : [1, 2.50]}}");
  CHECK(first.idempotency_key.empty());
  CHECK(code_of(items[1]) == "malformed_json");
  REQUIRE(status_of(items[2]) == 0);
  const auto& third = std::get<batch_item>(items[2]);
  CHECK(third.message.payload == "\"s]\"");
  CHECK(third.message.endpoint_id == "ep_1");
  CHECK(third.idempotency_key == "k-1");
  CHECK(status_of(items[3]) == 0); // 64 levels, as in a single message
  CHECK(code_of(items[4]) == "too_deep");
  CHECK(status_of(items[5]) == 413);
}

TEST_CASE("batch bodies: errors of the body as a whole", "[api][requests][batch]") {
  const std::string ok = message_with_payload("{}");
  auto many = [&](std::size_t n) {
    std::string s = "{\"messages\":[";
    for (std::size_t i = 0; i < n; ++i)
      s += (i > 0 ? "," : "") + ok;
    return s + "]}";
  };
  CHECK(status_of(parse_batch_request(many(1), 4096)) == 0);
  CHECK(status_of(parse_batch_request(many(max_batch_messages), 4096)) == 0);
  CHECK(code_of(parse_batch_request(many(0), 4096)) == "batch_size");
  CHECK(code_of(parse_batch_request(many(max_batch_messages + 1), 4096)) == "batch_size");
  CHECK(code_of(parse_batch_request("{", 4096)) == "malformed_json");
  CHECK(code_of(parse_batch_request("[]", 4096)) == "malformed_json");
  CHECK(code_of(parse_batch_request("{}", 4096)) == "wrong_type");
  CHECK(code_of(parse_batch_request(R"({"messages":{}})", 4096)) == "wrong_type");
  CHECK(code_of(parse_batch_request(R"({"messages":[],"x":1})", 4096)) == "unknown_field");
  // A message may nest 64 levels; one nested up to twice that is refused alone, deeper the body.
  const auto deep = [&](std::size_t levels) {
    return "{\"messages\":[" + message_with_payload(nested_arrays(levels)) + "]}";
  };
  CHECK(status_of(parse_batch_request(deep(2 * max_json_nesting), 1 << 20)) == 0);
  CHECK(code_of(parse_batch_request(deep(2 * max_json_nesting + 1), 1 << 20)) == "too_deep");
  CHECK(code_of(parse_batch_request(deep(100'000), 1 << 20)) == "too_deep");
}

TEST_CASE("message bodies: every refusal's status, code and message", "[api][requests][ingest]") {
  struct row {
    std::string body;
    int status;
    const char* code;
    std::string message;
  };
  const std::string too_deep_message =
      "the body nests arrays/objects more than 64 levels below its top-level object";
  const std::string printable_message = "event_type: must be 1–256 printable characters";
  const row table[] = {
      {"", 400, "malformed_json", "the body is not valid JSON"},
      {"nope", 400, "malformed_json", "the body is not valid JSON"},
      {"{", 400, "malformed_json", "the body is not valid JSON"},
      {R"({"event_type":"t","payload":1,})", 400, "malformed_json", "the body is not valid JSON"},
      {R"({"event_type":"t","payload":1} x)", 400, "malformed_json", "the body is not valid JSON"},
      {R"({"event_type":"t","payload":1}{})", 400, "malformed_json", "the body is not valid JSON"},
      {R"({"event_type":"t","payload":1e400})", 400, "malformed_json", "the body is not valid JSON"},
      {"{\"event_type\":\"t\",\"payload\":\"\xff\"}", 400, "malformed_json",
       "the body is not valid JSON"},
      {"\xEF\xBB{\"event_type\":\"t\",\"payload\":1}", 400, "malformed_json",
       "the body is not valid JSON"},
      {"[]", 400, "malformed_json", "the body must be a JSON object"},
      {"1", 400, "malformed_json", "the body must be a JSON object"},
      {"\"payload\"", 400, "malformed_json", "the body must be a JSON object"},
      {" null ", 400, "malformed_json", "the body must be a JSON object"},
      {nested_arrays(65), 400, "malformed_json", "the body must be a JSON object"},
      {nested_arrays(66), 400, "too_deep", too_deep_message},
      {message_with_payload(nested_arrays(65)), 400, "too_deep", too_deep_message},
      // The depth guard answers first, as it ran before the parser: malformed text before the
      // deep part, an unterminated body, brackets after the object.
      {R"({"event_type":,"payload":)" + std::string(100, '['), 400, "too_deep", too_deep_message},
      {R"({"payload":)" + std::string(100, '['), 400, "too_deep", too_deep_message},
      {message_with_payload("1") + nested_arrays(66), 400, "too_deep", too_deep_message},
      // Brackets inside strings do not nest.
      {R"({"event_type":"t","payload":")" + std::string(100, '[') + R"(", "x": 1})", 400,
       "unknown_field", "unknown field 'x'"},
      {R"({"event_type":"t","payload":{},"zeta":1,"alpha":[1],"beta":2})", 400, "unknown_field",
       "unknown field 'alpha'"},
      {R"({"zeta":1,"payload":null})", 400, "unknown_field", "unknown field 'zeta'"},
      {R"({"event_type":1,"payload":{}})", 400, "wrong_type", "event_type must be a string"},
      {R"({"event_type":null,"payload":{}})", 400, "wrong_type", "event_type must be a string"},
      {R"({"event_type":{"a":"t"},"payload":{}})", 400, "wrong_type", "event_type must be a string"},
      {R"({"event_type":"t","event_type":["t"],"payload":{}})", 400, "wrong_type",
       "event_type must be a string"},
      {R"({"event_type":"t","payload":{},"endpoint_id":5})", 400, "wrong_type",
       "endpoint_id must be a string"},
      {R"({"event_type":"t","payload":{},"endpoint_id":null})", 400, "wrong_type",
       "endpoint_id must be a string"},
      {R"({"payload":{}})", 422, "invalid_field", "event_type: required"},
      {R"({"payload":{},"endpoint_id":5})", 422, "invalid_field", "event_type: required"},
      {R"({"event_type":"","payload":{}})", 422, "invalid_field", printable_message},
      {R"({"event_type":"a\u0001b","payload":{}})", 422, "invalid_field", printable_message},
      {R"({"event_type":")" + std::string(257, 'e') + R"(","payload":{}})", 422, "invalid_field",
       printable_message},
      {R"({"event_type":"t"})", 422, "invalid_field", "payload: required"},
      {R"({"event_type":"t","endpoint_id":5})", 422, "invalid_field", "payload: required"},
      {R"({"event_type":"t","payload":null})", 422, "invalid_field", "payload: must not be null"},
      {R"({"event_type":"t","payload":{"z":3},"p\u0061yload":null})", 422, "invalid_field",
       "payload: must not be null"},
  };
  for (const auto& r : table) {
    INFO(r.body.substr(0, 200));
    const auto p = parse_message_request(r.body);
    CHECK(status_of(p) == r.status);
    CHECK(code_of(p) == r.code);
    CHECK(message_of(p) == r.message);
  }
}

TEST_CASE("message bodies: accepted fields, duplicates resolved as the JSON parser does",
          "[api][requests][ingest]") {
  struct row {
    std::string body;
    const char* event_type;
    const char* payload;
    const char* endpoint_id;
  };
  const row table[] = {
      {R"({"event_type":"t","payload":1,"payload":2})", "t", "2", ""},
      {R"({"event_type":"t","\u0070ayload":{"x":1}})", "t", R"({"x":1})", ""},
      {R"({"event_type":"t","payload":null,"\u0070ayload":{"y":2}})", "t", R"({"y":2})", ""},
      {R"({"event_type":1,"event_type":"a\u0062","payload":[],"endpoint_id":"e\"p"})", "ab", "[]",
       "e\"p"},
      {"\xEF\xBB\xBF {\"payload\" :\"s\" , \"event_type\":\"t\"}", "t", "\"s\"", ""},
      {R"({"payload":{"payload":1,"event_type":5,"zz":[]},"event_type":"t"})", "t",
       R"({"payload":1,"event_type":5,"zz":[]})", ""},
  };
  for (const auto& r : table) {
    INFO(r.body);
    const auto p = parse_message_request(r.body);
    REQUIRE(status_of(p) == 0);
    const auto& m = std::get<message_request>(p);
    CHECK(m.event_type == r.event_type);
    CHECK(m.payload == r.payload);
    CHECK(m.endpoint_id == r.endpoint_id);
  }
}

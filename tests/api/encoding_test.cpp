// Small encodings of the API: times, cursors, raw JSON spans, tokens, resource shapes.
#include "api/auth.hpp"
#include "api/cursor.hpp"
#include "api/json_span.hpp"
#include "api/resources.hpp"
#include "policy/time_format.hpp"

#include <catch2/catch.hpp>

using namespace hookd;
using namespace hookd::api;

TEST_CASE("times are RFC 3339 UTC with milliseconds", "[api][time]") {
  const auto t = from_unix_ms(1'764'494'435'123); // 2025-11-30T09:20:35.123Z
  CHECK(format_time(t) == "2025-11-30T09:20:35.123Z");
  CHECK(parse_time("2025-11-30T09:20:35.123Z") == t);
  CHECK(parse_time("2025-11-30T10:20:35.123+01:00") == t);
  CHECK(parse_time("2025-11-30t09:20:35.1234z") == t);
  CHECK(parse_time("2025-11-30T09:20:35Z") == from_unix_ms(1'764'494'435'000));
  for (const char* bad : {"", "2025-11-30", "2025-11-30T09:20:35", "2025-13-01T00:00:00Z",
                          "2025-11-30T25:00:00Z", "2025-11-30T09:20:35.Z", "x2025-11-30T09:20:35Z"})
    CHECK_FALSE(parse_time(bad).has_value());
}

TEST_CASE("cursors round-trip and reject foreign input", "[api][cursor]") {
  const std::string id = "ep_01J00000000000000000000000";
  const auto c = encode_cursor(id);
  CHECK(c.find('=') == std::string::npos);
  CHECK(decode_cursor(c, "ep_") == id);
  CHECK_FALSE(decode_cursor(c, "msg_").has_value());
  CHECK_FALSE(decode_cursor("", "ep_").has_value());
  CHECK_FALSE(decode_cursor("not-a-cursor", "ep_").has_value());
  CHECK_FALSE(decode_cursor("aGVsbG8", "ep_").has_value());   // base64 of "hello"
  CHECK_FALSE(decode_cursor("YzE6enp6", "ep_").has_value()); // base64 of "c1:zzz": forged
}

TEST_CASE("member spans find raw values", "[api][json_span]") {
  CHECK(member_span(R"({"a": 1, "b": [1, {"c": "}"}], "d": "x"})", "b") == R"([1, {"c": "}"}])");
  CHECK(member_span(R"({"a": "q\"uote", "b": true})", "b") == "true");
  CHECK(member_span(R"( { "b" : -1.5e3 } )", "b") == "-1.5e3");
  CHECK(member_span(R"({"b": 1, "b": 2})", "b") == "2");
  CHECK(member_span(R"({"\u0062": 7})", "b") == "7");      // escaped keys compare decoded
  CHECK(member_span(R"({"b": null, "\u0062": 8})", "b") == "8");
  CHECK(member_span(R"({"\ud83d\ude00": 9})", "\xF0\x9F\x98\x80") == "9");
  CHECK_FALSE(member_span(R"({"a": 1})", "b").has_value());
  CHECK_FALSE(member_span("[1]", "b").has_value());
  CHECK(member_span("\xEF\xBB\xBF{\"b\": 3}", "b") == "3"); // a BOM, as the JSON parser skips it
}

TEST_CASE("bearer tokens", "[api][auth]") {
  CHECK(authorized("", ""));
  CHECK(authorized("Bearer s3cret", "s3cret"));
  CHECK(authorized("bearer s3cret", "s3cret"));
  CHECK_FALSE(authorized("Bearer s3cre", "s3cret"));
  CHECK_FALSE(authorized("Basic s3cret", "s3cret"));
  CHECK_FALSE(authorized("", "s3cret"));
  CHECK_FALSE(authorized("Bearer ", "s3cret"));
}

TEST_CASE("endpoint resources never carry the secret", "[api][resources]") {
  store::endpoint_record ep;
  ep.id = "ep_1";
  ep.secret = "whsec_c2VjcmV0";
  ep.previous_secret = "whsec_b2xk";
  auto j = endpoint_json(ep, {1, 2, 3}, {3, 1});
  CHECK(j.dump().find("whsec_") == std::string::npos);
  CHECK(j["stats"]["success_rate_1h"] == 0.75);
  CHECK(j["disabled_reason"].is_null());
  CHECK(created_endpoint_json(ep)["secret"] == "whsec_c2VjcmV0");
  ep.previous_secret_expires_at = from_unix_ms(2000);
  CHECK(secret_json(ep, from_unix_ms(1000))["previous_secret"] == "whsec_b2xk");
  CHECK(secret_json(ep, from_unix_ms(2000))["previous_secret"].is_null()); // no longer signing
}

TEST_CASE("message text splices the stored payload bytes", "[api][resources]") {
  store::message_record m;
  m.id = "msg_1";
  m.event_type = "t";
  m.created_at = from_unix_ms(0);
  const std::string payload = R"({"z":1,  "a":2})";
  const auto text = message_text(m, payload, {});
  CHECK(text.find(R"("payload":{"z":1,  "a":2})") != std::string::npos);
  auto j = json::parse(text);
  CHECK(j["id"] == "msg_1");
  CHECK(j["payload"]["a"] == 2);
}

TEST_CASE("the fast 202 rendering has the same shape as message_text", "[api][resources]") {
  store::message_record m;
  m.id = "msg_1";
  m.event_type = "order.\"quoted\"";
  m.created_at = from_unix_ms(1'000);
  const std::string payload = R"({"a":1})";
  std::vector<store::delivery_record> pending(2);
  pending[0].endpoint_id = "ep_a";
  pending[1].endpoint_id = "ep_b";
  for (auto& d : pending)
    d.next_attempt_at = m.created_at;
  CHECK(json::parse(accepted_message_text(m, payload, {"ep_a", "ep_b"})) ==
        json::parse(message_text(m, payload, pending)));
  CHECK(json::parse(accepted_message_text(m, payload, {}))["deliveries"].empty());
}

TEST_CASE("attempt ids are att_ + 13 base32 characters", "[api][resources]") {
  CHECK(attempt_id(1) == "att_0000000000001");
  CHECK(attempt_id(32) == "att_0000000000010");
  CHECK(attempt_id(1) != attempt_id(2));
}

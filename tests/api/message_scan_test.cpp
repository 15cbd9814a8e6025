// scan_message: the one-pass SAX reader of POST /v1/messages bodies. Payload spans are checked to
// the byte (offsets into the body, not just equal text), and every outcome against what the DOM
// path it replaced (nested_deeper_than, json::parse, member_span) answers for the same body.
#include "api/message_scan.hpp"

#include "api/json_depth.hpp"
#include "api/json_span.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

using namespace hookd::api;
using outcome = message_scan::outcome;
using string_state = string_member::state;
using payload_state = payload_member::state;

namespace {

std::string nested_arrays(std::size_t levels) {
  return std::string(levels, '[') + "1" + std::string(levels, ']');
}

/// What the old DOM path decided for `body`.
outcome dom_outcome(std::string_view body) {
  if (nested_deeper_than(body, max_json_nesting + 1))
    return outcome::too_deep;
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded())
    return outcome::malformed;
  return doc.is_object() ? outcome::object : outcome::not_object;
}

/// The payload's offset and length within `body`, or {-1, -1} when there is none.
std::pair<long, long> span_of(std::string_view body, const message_scan& s) {
  if (s.members.payload.seen != payload_state::value)
    return {-1, -1};
  return {static_cast<long>(s.members.payload.bytes.data() - body.data()),
          static_cast<long>(s.members.payload.bytes.size())};
}

} // namespace

TEST_CASE("the payload's span is exact to the byte, for every kind of value",
          "[api][message_scan]") {
  struct row {
    std::string body;
    std::string payload; ///< its text, found at its first occurrence after the name "payload"
  };
  const row table[] = {
      {R"({"event_type":"t","payload":{"a":1}})", R"({"a":1})"},
      {R"({"payload":{}})", "{}"},
      {R"({"payload":[]})", "[]"},
      {R"({"payload":""})", R"("")"},
      {"{ \"payload\" :  \t\n [ 1 , 2 ]  \r\n, \"event_type\":\"t\" }", "[ 1 , 2 ]"},
      {R"({"payload":"a\"}]\\","event_type":"t"})", R"("a\"}]\\")"},
      {R"({"payload":"\u00e9\ud83d\ude00 [{"})", R"("\u00e9\ud83d\ude00 [{")"},
      {"{\"payload\":\"\xC3\xA9\"}", "\"\xC3\xA9\""},
      {R"({"payload":-1.5e+3})", "-1.5e+3"},
      {R"({"payload":0 })", "0"},
      {R"({"payload":12,"event_type":"t"})", "12"},
      {"{\"payload\":7\n}", "7"},
      {R"({"payload":123456789012345678901234567890})", "123456789012345678901234567890"},
      {R"({"payload":true})", "true"},
      {R"({"payload": false ,"event_type":"t"})", "false"},
      {R"({"payload":[1]})", "[1]"},
      {R"({"payload":{"n":1}})", R"({"n":1})"},
      {R"({"payload":[{"a":[{"b":"]}"}]},2.50,null]})", R"([{"a":[{"b":"]}"}]},2.50,null])"},
      {R"({"event_type":"t","payload":)" + nested_arrays(max_json_nesting) + "}",
       nested_arrays(max_json_nesting)},
  };
  for (const auto& r : table) {
    INFO(r.body);
    const auto s = scan_message(r.body);
    REQUIRE(s.result == outcome::object);
    REQUIRE(s.members.payload.seen == payload_state::value);
    CHECK(s.members.payload.bytes == r.payload);
    const auto at = r.body.find(r.payload, r.body.find("payload") + 8);
    CHECK(span_of(r.body, s) == std::pair<long, long>{static_cast<long>(at),
                                                      static_cast<long>(r.payload.size())});
    CHECK(member_span(r.body, "payload") == r.payload); // the old finder agrees
  }
}

TEST_CASE("duplicate names: the last one wins, compared after decoding", "[api][message_scan]") {
  const std::string body = R"({"payload":1,"payload": [2] ,"event_type":"t"})";
  auto s = scan_message(body);
  CHECK(span_of(body, s) == std::pair<long, long>{24, 3});

  s = scan_message(R"({"payload":{"x":1},"pay\u006coad":"s"})");
  CHECK(s.members.payload.bytes == R"("s")");
  s = scan_message(R"({"payload":{"x":1},"payload":null})");
  CHECK(s.members.payload.seen == payload_state::null);
  s = scan_message(R"({"payload":null,"payload":false})");
  CHECK(s.members.payload.seen == payload_state::value);
  CHECK(s.members.payload.bytes == "false");

  s = scan_message(R"({"event_type":1,"event_type":"a\u0062"})");
  CHECK(s.members.event_type.seen == string_state::string);
  CHECK(s.members.event_type.text == "ab");
  s = scan_message(R"({"event_type":"a","event_type":[]})");
  CHECK(s.members.event_type.seen == string_state::other);
}

TEST_CASE("a UTF-8 byte order mark is skipped and the span stays an offset into the body",
          "[api][message_scan]") {
  const std::string body = "\xEF\xBB\xBF{\"event_type\": \"t\", \"payload\": [1, 2]}";
  const auto s = scan_message(body);
  REQUIRE(s.result == outcome::object);
  CHECK(span_of(body, s) == std::pair<long, long>{34, 6});
  CHECK(s.members.payload.bytes == "[1, 2]");
  CHECK(s.members.event_type.text == "t");
  CHECK(scan_message("\xEF\xBB\xBF" "7").result == outcome::not_object);
  CHECK(scan_message("\xEF\xBB{}").result == outcome::malformed);
  CHECK(scan_message("\xEF\xBB\xBF\xEF\xBB\xBF{}").result == outcome::malformed);
}

TEST_CASE("the members a message has, and only at the top level", "[api][message_scan]") {
  auto s = scan_message(R"({"payload":{"payload":1,"event_type":5,"zz":[]},"endpoint_id":"ep_1"})");
  REQUIRE(s.result == outcome::object);
  CHECK(s.members.event_type.seen == string_state::absent);
  CHECK(s.members.endpoint_id.seen == string_state::string);
  CHECK(s.members.endpoint_id.text == "ep_1");
  CHECK(s.members.payload.bytes == R"({"payload":1,"event_type":5,"zz":[]})");
  CHECK_FALSE(s.unknown_field);

  for (const char* other : {"1", "-2.5", "true", "null", "[]", R"({"a":"b"})", R"(["s"])"}) {
    const std::string body = std::string{R"({"event_type":)"} + other + R"(,"endpoint_id":)" +
                             other + "}";
    INFO(body);
    s = scan_message(body);
    CHECK(s.members.event_type.seen == string_state::other);
    CHECK(s.members.endpoint_id.seen == string_state::other);
    CHECK(s.members.payload.seen == payload_state::absent);
  }

  s = scan_message(R"({"zeta":1,"alpha":{"x":[1]},"payload":1,"beta":2,"Zed":3})");
  CHECK(s.unknown_field == "Zed"); // byte order: 'Z' < 'a'
  s = scan_message(R"({"\u00e9":1,"z":2})");
  CHECK(s.unknown_field == "z");
  s = scan_message("{}");
  CHECK(s.result == outcome::object);
  CHECK_FALSE(s.unknown_field);
  CHECK(s.members.payload.seen == payload_state::absent);
}

TEST_CASE("outcomes agree with the DOM path: malformed, not an object, too deep",
          "[api][message_scan][depth]") {
  struct row {
    std::string body;
    outcome expected;
  };
  const std::string deep(100'000, '[');
  const row table[] = {
      {"", outcome::malformed},
      {"   ", outcome::malformed},
      {"nope", outcome::malformed},
      {"{", outcome::malformed},
      {R"({"payload":1,})", outcome::malformed},
      {R"({"payload":1} x)", outcome::malformed},
      {R"({"payload":1}{})", outcome::malformed},
      {R"({"payload":01})", outcome::malformed},
      {R"({"payload":1e400})", outcome::malformed},
      {R"({"payload":"\x"})", outcome::malformed},
      {"{\"payload\":\"\xff\"}", outcome::malformed},
      {"{\"payload\":\"a\nb\"}", outcome::malformed},
      {R"({"payload":1 /* c */})", outcome::malformed},
      {"[]", outcome::not_object},
      {"[1,{}]", outcome::not_object},
      {"1", outcome::not_object},
      {" \"s\" ", outcome::not_object},
      {"null", outcome::not_object},
      {nested_arrays(65), outcome::not_object},
      {nested_arrays(66), outcome::too_deep},
      {deep, outcome::too_deep},
      {R"({"payload":)" + nested_arrays(64) + "}", outcome::object},
      {R"({"payload":)" + nested_arrays(65) + "}", outcome::too_deep},
      {R"({"payload":)" + nested_arrays(100'000) + "}", outcome::too_deep},
      {R"({"other":)" + nested_arrays(65) + "}", outcome::too_deep},
      {R"({"payload":)" + deep, outcome::too_deep},
      {R"({"payload":,)" + deep, outcome::too_deep},
      {R"({"payload":1})" + nested_arrays(66), outcome::too_deep},
      {R"({"payload":1})" + nested_arrays(65), outcome::malformed},
      {R"({"payload":")" + deep + R"("})", outcome::object},
      {R"({"payload":"\"[[)" + std::string(70, '[') + R"("})", outcome::object},
  };
  for (const auto& r : table) {
    INFO(r.body.substr(0, 120));
    CHECK(dom_outcome(r.body) == r.expected);
    CHECK(scan_message(r.body).result == r.expected);
  }
}

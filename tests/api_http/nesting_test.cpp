// Request bodies nested deeper than 64 levels are 400 too_deep (docs/api.md) on every route that
// parses a body, before the recursive JSON parser sees them: 100,000 levels are refused and the
// server keeps answering.
#include "tests/api_http/api_harness.hpp"
#include "tests/support/store_scan.hpp"

#include <catch2/catch.hpp>

using namespace hookd;
using namespace hookd::testing;

namespace {

std::string nested_arrays(std::size_t levels) {
  return std::string(levels, '[') + "1" + std::string(levels, ']');
}

std::string message_body(std::size_t payload_levels) {
  return R"({"event_type":"t","payload":)" + nested_arrays(payload_levels) + "}";
}

} // namespace

TEST_CASE("api: a payload nested 64 levels is accepted, 65 and 100,000 are 400 too_deep",
          "[api_http][depth]") {
  api_harness api([](config::config& c) { c.server.max_payload_bytes = 1 << 20; });
  const auto ep = api.create_endpoint("http://127.0.0.1:9/")["id"].get<std::string>();

  const auto accepted = api.post_message("t", nested_arrays(64), ep);
  CHECK(accepted["payload"].dump().size() == 64 * 2 + 1);

  for (const std::size_t levels : {std::size_t{65}, std::size_t{100'000}}) {
    CAPTURE(levels);
    auto r = api.call("POST", "/v1/messages", message_body(levels));
    INFO(show(r).substr(0, 300));
    CHECK(r.status == 400);
    CHECK(error_code(r) == "too_deep");
  }

  const std::string deep = nested_arrays(100'000);
  struct target {
    const char* method;
    std::string path;
    std::string body;
  };
  const target targets[] = {
      {"POST", "/v1/endpoints", R"({"url":"http://127.0.0.1:9/","event_types":)" + deep + "}"},
      {"PATCH", "/v1/endpoints/" + ep, R"({"description":)" + deep + "}"},
      {"POST", "/v1/endpoints/" + ep + "/recover", R"({"since":)" + deep + "}"},
      {"POST", "/v1/endpoints/" + ep + "/secret/rotate", R"({"secret":)" + deep + "}"},
  };
  for (const auto& t : targets) {
    CAPTURE(t.method, t.path);
    auto r = api.call(t.method, t.path, t.body);
    INFO(show(r).substr(0, 300));
    CHECK(r.status == 400);
    CHECK(error_code(r) == "too_deep");
  }
  // Still serving, and only the accepted message was stored.
  CHECK(api.call("GET", "/v1/endpoints/" + ep).status == 200);
  const auto stored = stored_messages(api.inspector(), 100);
  REQUIRE(stored.size() == 1);
  CHECK(stored.front().payload == nested_arrays(64));
}

#include "policy/retry_after.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using namespace hookd::policy;
using hookd::duration;

namespace {
// Sun, 06 Nov 1994 08:49:37 GMT
const hookd::time_point rfc_example = hookd::from_unix_ms(784'111'777'000);
} // namespace

TEST_CASE("HTTP-dates in all three forms", "[policy][retry_after]") {
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == rfc_example);
  CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == rfc_example);
  CHECK(parse_http_date("Sun Nov  6 08:49:37 1994") == rfc_example);
  CHECK(parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT  ") == rfc_example);
}

TEST_CASE("malformed Retry-After values are rejected", "[policy][retry_after]") {
  const auto now = rfc_example;
  for (const char* bad : {"", " ", "-1", "1.5", "12s", "soon", "Sun, 06 Nov 1994 08:49:37",
                          "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 25:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
                          "Sun, 6 Nov 1994 08:49:37 GMT"}) {
    INFO("value: '" << bad << "'");
    CHECK_FALSE(parse_retry_after(bad, now).has_value());
  }
}

TEST_CASE("Retry-After as delay", "[policy][retry_after]") {
  const auto now = rfc_example;
  CHECK(parse_retry_after("0", now) == duration{0});
  CHECK(parse_retry_after("120", now) == duration{120s});
  CHECK(parse_retry_after(" 7 ", now) == duration{7s});
  CHECK(parse_retry_after("99999999999999", now) == duration{std::chrono::hours{24 * 30}});
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now) == duration{120s});
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now) == duration{0}); // in the past
}

TEST_CASE("only 429 and 503 carry an honoured Retry-After", "[policy][retry_after]") {
  CHECK(honours_retry_after(429));
  CHECK(honours_retry_after(503));
  CHECK_FALSE(honours_retry_after(500));
  CHECK_FALSE(honours_retry_after(200));
}

// parse_duration / format_duration: the accepted forms, the refused ones, and the round trip.
#include "config/load.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using namespace std::chrono_literals;
using hookd::duration;
using hookd::config::format_duration;
using hookd::config::parse_duration;

TEST_CASE("parse_duration accepts whole amounts with a unit", "[config][duration]") {
  struct row {
    const char* text;
    duration expected;
  };
  const row rows[] = {
      {"250ms", 250ms}, {"15s", 15s},       {"2m", 2min},
      {"10h", 10h},     {"1d", 24h},        {"0s", 0ms},
      {"0ms", 0ms},     {"120s", 120s},     {"72h", 72h},
      {"007s", 7s},     {"1500ms", 1500ms}, {"36500d", 876000h},
      {"876000h", 876000h}, {"52560000m", 876000h}, {"3153600000s", 876000h},
      {"3153600000000ms", 876000h},
  };
  for (const row& r : rows) {
    INFO(r.text);
    const auto parsed = parse_duration(r.text);
    REQUIRE(parsed);
    CHECK(*parsed == r.expected);
  }
}

TEST_CASE("parse_duration refuses malformed, negative and overflowing text", "[config][duration]") {
  const char* const rows[] = {
      "",
      "10",
      "ms",
      "s",
      "-5s",
      "+5s",
      "1.5h",
      "10x",
      "10 s",
      " 10s",
      "10s ",
      "10S",
      "1h30m",
      "h1",
      "5sec",
      "10mss",
      "0x10s",
      "1e3ms",
      "99999999999999999999s", // amount overflows int64
      "9223372036854775807s",  // amount fits, milliseconds do not
      "106751991167301d",      // days overflow milliseconds
      "106751991167d",         // fits in int64 milliseconds, overflows any time it is added to
      "9223372036854775807ms", // the int64 maximum itself
      "36501d",                // one day over 100 years
      "876001h",
      "3153600000001ms",
  };
  for (const char* text : rows) {
    INFO('"' << text << '"');
    CHECK_FALSE(parse_duration(text));
  }
}

TEST_CASE("format_duration uses the largest unit up to hours that divides exactly",
          "[config][duration]") {
  CHECK(format_duration(0ms) == "0s");
  CHECK(format_duration(250ms) == "250ms");
  CHECK(format_duration(1500ms) == "1500ms");
  CHECK(format_duration(15s) == "15s");
  CHECK(format_duration(90s) == "90s");
  CHECK(format_duration(120s) == "2m");
  CHECK(format_duration(1h) == "1h");
  CHECK(format_duration(72h) == "72h");
  CHECK(format_duration(24h) == "24h");
  CHECK(format_duration(61min) == "61m");
}

TEST_CASE("format_duration output parses back to the same duration", "[config][duration]") {
  for (const duration d :
       {duration{1}, duration{999}, duration{1000}, duration{59'000}, duration{60'000},
        duration{3'600'000}, duration{3'601'000}, duration{86'400'000}, duration{123'456'789}}) {
    INFO(d.count());
    CHECK(parse_duration(format_duration(d)) == d);
  }
}

TEST_CASE("max_config_duration is 100 years, and every unit reaches it exactly",
          "[config][duration]") {
  CHECK(hookd::config::max_config_duration == 876000h);
  CHECK(parse_duration("36500d") == hookd::config::max_config_duration);
  CHECK(parse_duration(format_duration(hookd::config::max_config_duration)) ==
        hookd::config::max_config_duration);
}

TEST_CASE("duration_refusal says why: too long, or not a duration", "[config][duration]") {
  using hookd::config::duration_refusal;
  for (const char* too_long : {"36501d", "106751991167d", "99999999999999999999s", "3153600000001ms"}) {
    INFO(too_long);
    CHECK(duration_refusal(too_long) == "must be at most 36500d (100 years)");
  }
  for (const char* malformed : {"", "10", "-5s", "1.5h", "10x", "h", "5sec", "1h30m"}) {
    INFO(malformed);
    CHECK(duration_refusal(malformed) ==
          "expected a whole number with a unit (ms, s, m, h, d), like \"15s\"");
  }
}

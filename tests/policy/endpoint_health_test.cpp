// The per-endpoint rules that decide health: the 24-hour rule, the circuit breaker, the token
// bucket and the success-rate window.
#include "policy/circuit_breaker.hpp"
#include "policy/failure_clock.hpp"
#include "policy/success_window.hpp"
#include "policy/retry_rate_rule.hpp"
#include "policy/token_bucket.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::policy;

namespace {
const time_point t0 = from_unix_ms(1'700'000'000'000);
}

TEST_CASE("24-hour rule: disabled only after a full day of nothing but failures",
          "[policy][failure_clock]") {
  failure_clock clock;
  CHECK_FALSE(clock.should_disable(t0, 24h));
  CHECK(clock.on_failure(t0));            // starts the clock
  CHECK_FALSE(clock.on_failure(t0 + 1h)); // already running
  CHECK(clock.failing_since() == t0);
  CHECK_FALSE(clock.should_disable(t0 + 23h, 24h));
  CHECK(clock.should_disable(t0 + 24h, 24h));

  SECTION("one success inside the day resets it") {
    CHECK(clock.on_success());
    CHECK_FALSE(clock.should_disable(t0 + 25h, 24h));
    clock.on_failure(t0 + 25h);
    CHECK_FALSE(clock.should_disable(t0 + 48h, 24h));
    CHECK(clock.should_disable(t0 + 49h, 24h));
  }
  SECTION("the clock survives a restart through its persisted start") {
    failure_clock restored{clock.failing_since()};
    CHECK(restored.should_disable(t0 + 24h, 24h));
  }
}

TEST_CASE("circuit breaker: opens after the threshold, probes one at a time, closes on success",
          "[policy][breaker]") {
  circuit_breaker b{5};
  for (int i = 0; i < 4; ++i)
    CHECK(b.on_failure(t0, false, 2min) == circuit_breaker::transition::none);
  CHECK(b.is_closed());
  CHECK(b.on_failure(t0, false, 2min) == circuit_breaker::transition::opened);
  CHECK(b.current() == circuit_breaker::state::open);
  CHECK(b.next_probe_at() == t0 + 2min);
  CHECK_FALSE(b.probe_due(t0 + 1min));
  CHECK(b.probe_due(t0 + 2min));

  b.on_probe_started();
  CHECK(b.current() == circuit_breaker::state::probing);
  CHECK_FALSE(b.probe_due(t0 + 10min)); // one probe at a time

  SECTION("a failed probe re-opens with the next delay") {
    CHECK(b.on_failure(t0 + 3min, true, 4min) == circuit_breaker::transition::none);
    CHECK(b.current() == circuit_breaker::state::open);
    CHECK(b.next_probe_at() == t0 + 7min);
    CHECK(b.failures_beyond_threshold() == 2);
  }
  SECTION("a late failure of an older attempt does not end the probe") {
    b.on_failure(t0 + 3min, false, 4min);
    CHECK(b.current() == circuit_breaker::state::probing);
  }
  SECTION("a successful probe closes it") {
    CHECK(b.on_success() == circuit_breaker::transition::closed);
    CHECK(b.is_closed());
    CHECK(b.consecutive_failures() == 0);
  }
}

TEST_CASE("token bucket: burst, then the rate", "[policy][token_bucket]") {
  token_bucket bucket{20, 0, t0}; // burst = 20
  int taken = 0;
  while (bucket.try_take(t0))
    ++taken;
  CHECK(taken == 20);
  CHECK(bucket.next_available(t0) == t0 + 50ms);
  CHECK_FALSE(bucket.try_take(t0 + 49ms));
  CHECK(bucket.try_take(t0 + 50ms));
  // After 1 s, 20 more and no more than that (the burst caps the refill).
  taken = 0;
  while (bucket.try_take(t0 + 10s))
    ++taken;
  CHECK(taken == 20);

  token_bucket unlimited{0, 0, t0};
  CHECK(unlimited.unlimited());
  for (int i = 0; i < 1000; ++i)
    REQUIRE(unlimited.try_take(t0));
}

TEST_CASE("fractional rates accrue across calls", "[policy][token_bucket]") {
  token_bucket bucket{0.5, 1, t0}; // one every 2 s
  CHECK(bucket.try_take(t0));
  CHECK_FALSE(bucket.try_take(t0 + 1s));
  CHECK(bucket.next_available(t0 + 1s) == t0 + 2s);
  CHECK(bucket.try_take(t0 + 2s));
}

TEST_CASE("success window: 5 min, 1 h and 24 h rates slide", "[policy][success_window]") {
  success_window w;
  CHECK_FALSE(w.last_5m(t0).success_rate().has_value());
  for (int i = 0; i < 3; ++i)
    w.record(t0, true);
  w.record(t0, false);
  CHECK(w.last_5m(t0).success_rate() == Approx(0.75));
  CHECK(w.last_1h(t0).total() == 4);

  const auto later = t0 + 10min;
  w.record(later, false);
  CHECK(w.last_5m(later).total() == 1); // the first four slid out of the 5-minute window
  CHECK(w.last_1h(later).total() == 5);
  CHECK(w.last_24h(later).success_rate() == Approx(0.6));

  CHECK(w.last_1h(t0 + 2h).total() == 0);
  CHECK(w.last_24h(t0 + 2h).total() == 5);
  CHECK(w.last_24h(t0 + 26h).total() == 0);
}

TEST_CASE("high retry rate: one start per episode, a new one only after recovery",
          "[policy][alerts]") {
  retry_rate_rule rule{0.5, 21};
  using change = retry_rate_rule::change;
  CHECK(rule.evaluate({5, 15}) == change::none);     // 75 % failed, but 20 < 21 attempts
  CHECK(rule.evaluate({10, 20}) == change::started); // 67 % of 30
  CHECK(rule.evaluate({10, 40}) == change::none);    // still high: no second alert
  CHECK(rule.evaluate({30, 30}) == change::ended);   // 50 % is not above the ratio
  CHECK(rule.evaluate({30, 30}) == change::none);
  CHECK(rule.evaluate({0, 25}) == change::started);  // a new episode
}

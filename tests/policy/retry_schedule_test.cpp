#include "policy/retry_schedule.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace std::chrono_literals;
using hookd::duration;
using hookd::time_point;
using namespace hookd::policy;

namespace {

const time_point t0 = hookd::from_unix_ms(1'700'000'000'000);

/// Replays an always-failing delivery; returns the instants of all its attempts.
template <class Sample>
std::vector<time_point> always_failing(const retry_policy& p, Sample next_u) {
  std::vector<time_point> attempts{t0};
  for (int n = 1;; ++n) {
    auto d = next_retry(p, t0, attempts.back(), n, next_u());
    if (d.exhausted)
      return attempts;
    attempts.push_back(d.next_at);
  }
}

} // namespace

TEST_CASE("d(n) follows the documented formula", "[policy][backoff]") {
  retry_policy p;
  struct row {
    int n;
    double u;
    duration expected;
  };
  const row table[] = {
      {1, 0.0, 120s},   {1, 0.5, 150s},     {2, 0.0, 240s},  {3, 0.0, 480s},
      {4, 0.0, 960s},   {5, 0.0, 1920s},    {6, 0.0, 3600s}, {7, 0.0, 3600s},
      {50, 0.0, 3600s}, {2000, 0.0, 3600s}, {6, 0.5, 4500s}, {1, 0.999, duration{179'940}},
  };
  for (const auto& r : table) {
    INFO("n=" << r.n << " u=" << r.u);
    CHECK(backoff_delay(p, r.n, r.u) == r.expected);
  }
  CHECK(max_backoff_delay(p) == 5400s);
}

TEST_CASE("the first retry lands from 120 s up to 180 s (not included) for 10,000 seeds", "[policy][backoff]") {
  retry_policy p;
  for (unsigned seed = 0; seed < 10'000; ++seed) {
    std::mt19937_64 rng{seed};
    std::uniform_real_distribution<double> u{0.0, 1.0};
    auto d = next_retry(p, t0, t0, 1, u(rng));
    REQUIRE_FALSE(d.exhausted);
    const auto delay = d.next_at - t0;
    REQUIRE(delay >= 120s);
    REQUIRE(delay < 180s);
  }
}

TEST_CASE("delays never exceed max_interval × (1 + jitter) and attempts stay in the window",
          "[policy][backoff]") {
  retry_policy p;
  const time_point window_end = t0 + p.max_duration;
  for (unsigned seed = 0; seed < 10'000; ++seed) {
    std::mt19937_64 rng{seed};
    std::uniform_real_distribution<double> u{0.0, 1.0};
    auto attempts = always_failing(p, [&] { return u(rng); });
    for (std::size_t i = 1; i < attempts.size(); ++i) {
      REQUIRE(attempts[i] - attempts[i - 1] <= max_backoff_delay(p));
      REQUIRE(attempts[i] > attempts[i - 1]);
      REQUIRE(attempts[i] <= window_end);
    }
    // The last attempt is always at the window's end: nothing is given up early.
    REQUIRE(attempts.back() == window_end);
  }
}

TEST_CASE("an always-failing delivery under defaults gets exactly the predicted attempts",
          "[policy][backoff]") {
  retry_policy p;
  SECTION("no jitter (u = 0): 15 attempts, the last one clamped to 10 h") {
    // 0, 2m, 6m, 14m, 30m, 62m, then hourly: 122m, 182m, ... 542m; 602m > 600m → clamp.
    auto attempts = always_failing(p, [] { return 0.0; });
    REQUIRE(attempts.size() == 15);
    CHECK(attempts[1] - t0 == 120s);
    CHECK(attempts[5] - t0 == 62min);
    CHECK(attempts[13] - t0 == 542min);
    CHECK(attempts.back() - t0 == 10h);
  }
  SECTION("maximal jitter (u → 1): 12 attempts") {
    // 0, 3m, 9m, 21m, 45m, 93m, then every 90m: 183m ... 543m; 633m > 600m → clamp.
    auto attempts = always_failing(p, [] { return 0.9999999; });
    REQUIRE(attempts.size() == 12);
    CHECK(attempts.back() - t0 == 10h);
  }
  SECTION("the decision after the attempt at the window's end is exhausted") {
    auto d = next_retry(p, t0, t0 + 10h, 15, 0.0);
    CHECK(d.exhausted);
  }
}

TEST_CASE("Retry-After larger than d(n) wins, capped by the window", "[policy][backoff]") {
  retry_policy p;
  SECTION("smaller Retry-After is ignored") {
    auto d = next_retry(p, t0, t0, 1, 0.0, 30s);
    CHECK(d.next_at - t0 == 120s);
  }
  SECTION("larger Retry-After wins") {
    auto d = next_retry(p, t0, t0, 1, 0.0, 600s);
    CHECK(d.next_at - t0 == 600s);
    CHECK_FALSE(d.clamped);
  }
  SECTION("a Retry-After past the window is capped at the window's end") {
    auto d = next_retry(p, t0, t0 + 9h, 5, 0.0, 5h);
    CHECK(d.next_at == t0 + 10h);
    CHECK(d.clamped);
  }
}

TEST_CASE("compressed schedules keep their shape", "[policy][backoff]") {
  retry_policy p{.initial_interval = 100ms,
                 .multiplier = 2.0,
                 .max_interval = 400ms,
                 .jitter = 0.0,
                 .max_duration = 1s,
                 .breaker_threshold = 5};
  auto attempts = always_failing(p, [] { return 0.0; });
  // 0, 100, 300, 700, 1000 (clamped)
  REQUIRE(attempts.size() == 5);
  CHECK(attempts[3] - t0 == 700ms);
  CHECK(attempts[4] - t0 == 1s);
}

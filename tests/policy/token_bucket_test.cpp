// token_bucket at the edges of double arithmetic: rates far outside what the API accepts (the
// store may still hold them, and the bucket is pure logic anyone can call) never produce a wait
// in the past, a wait of zero without a token, or a double->integer conversion that overflows.
#include "policy/token_bucket.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace std::chrono_literals;
using namespace hookd;
using hookd::policy::token_bucket;

namespace {

const time_point t0 = from_unix_ms(1'764'000'000'000);
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

} // namespace

TEST_CASE("token bucket: a rate too small to wait for waits at most max_wait, never in the past",
          "[policy][token_bucket]") {
  const double tiny_rates[] = {1e-300, std::numeric_limits<double>::denorm_min(),
                               std::numeric_limits<double>::min(), 1e-12, 1e-9};
  for (const double rate : tiny_rates) {
    INFO("rate " << rate);
    token_bucket bucket{rate, 1, t0};
    CHECK(bucket.try_take(t0)); // the burst of one
    CHECK_FALSE(bucket.try_take(t0));
    const time_point next = bucket.next_available(t0);
    CHECK(next > t0);
    CHECK(next <= t0 + token_bucket::max_wait);
    // Waking at that instant finds no token and asks again: one more max_wait, not a spin.
    CHECK_FALSE(bucket.try_take(next));
    const time_point again = bucket.next_available(next);
    CHECK(again > next);
    CHECK(again <= next + token_bucket::max_wait);
  }
}

TEST_CASE("token bucket: the wait for a real rate is exact and under max_wait",
          "[policy][token_bucket]") {
  struct row {
    double rate;
    duration wait; ///< after the burst of one is spent
  };
  const row rows[] = {
      {0.001, 1000s}, {0.5, 2s}, {1, 1s}, {3, 334ms}, {1000, 1ms}, {1e6, 1ms}, {1e300, 1ms},
  };
  for (const row& r : rows) {
    INFO("rate " << r.rate);
    token_bucket bucket{r.rate, 1, t0};
    REQUIRE(bucket.try_take(t0));
    CHECK(bucket.next_available(t0) == t0 + r.wait);
    CHECK(r.wait <= token_bucket::max_wait);
  }
}

TEST_CASE("token bucket: non-finite and non-positive rates are unlimited", "[policy][token_bucket]") {
  const double rates[] = {0.0, -0.0, -1.0, -inf, inf, not_a_number, -not_a_number};
  for (const double rate : rates) {
    INFO("rate " << rate);
    token_bucket bucket{rate, 0, t0};
    CHECK(bucket.unlimited());
    for (int i = 0; i < 100; ++i)
      REQUIRE(bucket.try_take(t0));
    CHECK(bucket.next_available(t0) == t0);
  }
}

TEST_CASE("token bucket: a huge finite rate never runs dry and its tokens stay finite",
          "[policy][token_bucket]") {
  token_bucket bucket{std::numeric_limits<double>::max(), 0, t0};
  CHECK_FALSE(bucket.unlimited());
  for (int i = 0; i < 1000; ++i)
    REQUIRE(bucket.try_take(t0 + duration{i}));
  CHECK(std::isfinite(bucket.tokens(t0 + 1h)));
  CHECK(bucket.next_available(t0 + 1h) == t0 + 1h);
}

TEST_CASE("token bucket: a non-finite or non-positive burst falls back to one second's worth",
          "[policy][token_bucket]") {
  const double bursts[] = {0.0, -5.0, inf, not_a_number};
  for (const double burst : bursts) {
    INFO("burst " << burst);
    token_bucket bucket{4, burst, t0};
    CHECK(bucket.tokens(t0) == 4.0);
  }
}

TEST_CASE("token bucket: instants at the ends of the clock do not overflow",
          "[policy][token_bucket]") {
  const time_point last = time_point::max();
  const time_point first = time_point::min();
  token_bucket bucket{1e-300, 1, first};
  REQUIRE(bucket.try_take(first));
  // From the first instant to the last: the elapsed time does not overflow, the refill is tiny.
  CHECK(bucket.tokens(last) < 1.0);
  // The next instant saturates at the end of the clock instead of wrapping into the past.
  CHECK(bucket.next_available(last) == last);
  token_bucket slow{0.001, 1, last - 10s};
  REQUIRE(slow.try_take(last - 10s));
  CHECK(slow.next_available(last - 10s) == last);
}

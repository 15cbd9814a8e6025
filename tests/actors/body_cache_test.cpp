// The bodies an endpoint actor holds for its pending deliveries (actors/body_cache), without
// actors: what is held while the breaker is closed or open, and what a result keeps.
#include "actors/body_cache.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace std::chrono_literals;
using namespace hookd;

namespace {

const time_point t0 = from_unix_ms(1'700'000'000'000);

payload body(std::int64_t id) {
  return payload{"body " + std::to_string(id)};
}

/// A result for `delivery_id` received at t0, retried `retry_in` later (none: final).
delivery::result_effects result(std::int64_t delivery_id, std::optional<duration> retry_in,
                                policy::circuit_breaker::transition breaker = {}) {
  delivery::result_effects fx;
  fx.known = true;
  fx.update.delivery_id = delivery_id;
  fx.retry_scheduled = retry_in.has_value();
  fx.update.next_attempt_at = retry_in ? t0 + *retry_in : no_time;
  fx.breaker = breaker;
  return fx;
}

} // namespace

TEST_CASE("a closed breaker holds every offered body, an open one at most bodies_kept",
          "[body_cache]") {
  body_cache closed;
  for (std::int64_t id = 1; id <= 100; ++id)
    closed.offer(id, body(id), true);
  CHECK(closed.size() == 100);

  body_cache open;
  for (std::int64_t id = 1; id <= 100; ++id)
    open.offer(id, body(id), false);
  CHECK(open.size() == bodies_kept);
  CHECK(open.holds(1));
  CHECK_FALSE(open.holds(static_cast<std::int64_t>(bodies_kept) + 1));
}

TEST_CASE("an offered body never replaces a held one, a body read from the store always is held",
          "[body_cache]") {
  body_cache c;
  c.offer(1, payload{"first"}, true);
  c.offer(1, payload{"second"}, true);
  CHECK(c.body_of(1).str() == "first");
  c.put(1, payload{"read"});
  CHECK(c.body_of(1).str() == "read");
  CHECK_FALSE(c.body_of(2).loaded()); // none held: an empty payload, and still none held
  CHECK_FALSE(c.holds(2));

  for (std::int64_t id = 2; id <= 40; ++id) // an open breaker: room for no more offers
    c.offer(id, body(id), false);
  REQUIRE(c.size() == bodies_kept);
  c.put(99, body(99)); // its attempt starts now: held anyway
  CHECK(c.holds(99));
  CHECK(c.size() == bodies_kept + 1);
}

TEST_CASE("after a result the body stays only for a retry within body_keep", "[body_cache]") {
  body_cache c;
  for (std::int64_t id = 1; id <= 4; ++id)
    c.offer(id, body(id), true);
  c.after_result(1, result(1, body_keep), t0, true); // exactly body_keep away: kept
  c.after_result(2, result(2, body_keep + 1ms), t0, true);
  c.after_result(3, result(3, std::nullopt), t0, true); // delivered, exhausted or permanent
  CHECK(c.holds(1));
  CHECK_FALSE(c.holds(2));
  CHECK_FALSE(c.holds(3));
  CHECK(c.holds(4)); // other deliveries are untouched
}

TEST_CASE("with the breaker open a soon retry keeps its body only within bodies_kept, itself "
          "counted",
          "[body_cache]") {
  body_cache c;
  for (std::int64_t id = 1; id <= static_cast<std::int64_t>(bodies_kept); ++id)
    c.offer(id, body(id), true);
  c.after_result(1, result(1, 1s), t0, false); // bodies_kept held, itself among them: room
  CHECK(c.holds(1));

  c.put(100, body(100)); // one more than bodies_kept (read from the store for an attempt)
  c.after_result(100, result(100, 1s), t0, false);
  CHECK_FALSE(c.holds(100));
  CHECK(c.size() == bodies_kept);
}

TEST_CASE("when the breaker opens, bodies beyond bodies_kept are released", "[body_cache]") {
  body_cache c;
  for (std::int64_t id = 1; id <= 50; ++id)
    c.offer(id, body(id), true);
  c.after_result(1, result(1, 1s, policy::circuit_breaker::transition::opened), t0, false);
  CHECK(c.size() == bodies_kept);

  c.clear(); // the endpoint was disabled
  CHECK(c.size() == 0);
}

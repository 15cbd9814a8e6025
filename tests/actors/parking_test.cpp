// Parked endpoints in virtual time: an endpoint actor whose only work is far away quits, and the
// dispatcher brings it back at its wake time or when work arrives — with the same retries,
// breaker and 24-hour rule as an actor that stayed (delivery/parked_endpoints.hpp).
#include "actors/endpoint_actor.hpp"
#include "tests/actors/asker.hpp"
#include "tests/actors/vtime_engine.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using namespace hookd;
using hookd::testing::scripted_reply;
using hookd::testing::vtime_engine;

namespace {

const std::string url_a = "http://127.0.0.1:9/a";

/// Answers `first` to the first `n` attempts, then 200.
testing::script fail_first(std::size_t n, int first) {
  return testing::sequence(std::vector<scripted_reply>(n, testing::status(first)),
                           testing::status(200));
}

/// Adds an endpoint whose receiver answers `first_status` once, then 200; submits one message
/// to it and lets it park. Returns the endpoint's and the message's ids.
std::pair<std::string, std::string> park_after_one_failure(vtime_engine& e, int first_status) {
  const auto ep = e.add_endpoint(url_a);
  e.script_for(url_a, fail_first(1, first_status));
  const auto msg = e.submit("t", "{}");
  e.run();
  e.advance(e.cfg.endpoints.idle_timeout + 1s);
  REQUIRE_FALSE(e.endpoint_actor_of(ep));
  return {ep, msg};
}

/// Retries an hour apart (no jitter), so every wait is far beyond two idle timeouts.
void hourly_retries(config::config& c) {
  c.retry.initial_interval = 1h;
  c.retry.max_interval = 1h;
  c.retry.jitter = 0;
}

} // namespace

TEST_CASE("an endpoint whose only work is a retry an hour away parks, and its actor comes "
          "back for the retry",
          "[engine][parking]") {
  vtime_engine e{hourly_retries};
  const auto ep = e.add_endpoint(url_a);
  e.script_for(url_a, fail_first(1, 500));
  const auto msg = e.submit("t", "{}");
  e.run();
  REQUIRE(e.attempts_to(url_a).size() == 1);
  const auto failed_at = e.attempts_to(url_a)[0].at;

  e.advance(e.cfg.endpoints.idle_timeout + 1s);
  CHECK_FALSE(e.endpoint_actor_of(ep)); // parked: no actor
  CHECK(e.deliveries_of(msg)[0].status == delivery_status::pending);

  e.advance(58min);
  CHECK(e.attempts_to(url_a).size() == 1); // nothing before the retry's due time
  e.advance(2min);
  const auto seen = e.attempts_to(url_a);
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].at - failed_at == 1h); // exactly at its due time
  const auto d = e.deliveries_of(msg)[0];
  CHECK(d.status == delivery_status::delivered);
  CHECK(d.attempts == 2);
}

TEST_CASE("new work for a parked endpoint goes at once, the parked retry keeps its due time",
          "[engine][parking]") {
  vtime_engine e{hourly_retries};
  const auto [ep, first] = park_after_one_failure(e, 500);

  const auto second = e.submit("t", "{}");
  e.run();
  CHECK(e.endpoint_actor_of(ep)); // spawned for the new work, with the parked backlog
  CHECK(e.deliveries_of(second)[0].status == delivery_status::delivered);
  CHECK(e.deliveries_of(first)[0].status == delivery_status::pending);
  CHECK(e.attempts_to(url_a).size() == 2);

  e.advance(1h);
  CHECK(e.deliveries_of(first)[0].status == delivery_status::delivered);
  CHECK(e.attempts_to(url_a).size() == 3);
}

TEST_CASE("a parked endpoint keeps its open breaker: new work waits for the probe",
          "[engine][parking][breaker]") {
  vtime_engine e{[](config::config& c) {
    hourly_retries(c);
    c.retry.breaker_threshold = 1; // the first failure opens it; the probe is an hour away
  }};
  const auto [ep, first] = park_after_one_failure(e, 503);

  const auto second = e.submit("t", "{}");
  e.run();
  e.advance(10min);
  CHECK(e.attempts_to(url_a).size() == 1); // still open: no fresh attempt
  e.advance(1h);
  CHECK(e.deliveries_of(first)[0].status == delivery_status::delivered);
  CHECK(e.deliveries_of(second)[0].status == delivery_status::delivered);
  CHECK(e.attempts_to(url_a).size() == 3); // the probe, then the other
}

TEST_CASE("the 24-hour rule runs on across parking", "[engine][parking]") {
  vtime_engine e{[](config::config& c) {
    hourly_retries(c);
    c.retry.breaker_threshold = 1000; // every retry attempts
    c.endpoints.failure_disable_after = 3h;
  }};
  const auto ep = e.add_endpoint(url_a);
  e.script_for(url_a, fail_first(1000, 500));
  const auto msg = e.submit("t", "{}");
  e.run();
  e.advance(2h + 30min);
  CHECK(e.attempts_to(url_a).size() == 3); // at 0, 1 h and 2 h, parked in between
  CHECK(e.endpoint(ep)->status == endpoint_status::enabled);
  e.advance(1h);
  CHECK(e.attempts_to(url_a).size() == 4); // the failure at 3 h disables it
  const auto stored = e.endpoint(ep);
  CHECK(stored->status == endpoint_status::disabled);
  CHECK(stored->reason == disabled_reason::failing);
  CHECK(e.deliveries_of(msg)[0].status == delivery_status::failed);
}

TEST_CASE("deleting a parked endpoint leaves nothing to wake", "[engine][parking]") {
  vtime_engine e{hourly_retries};
  const auto ep = park_after_one_failure(e, 500).first;
  auto deleted = testing::ask_later<bool>(e.sys(), e.eng().dispatcher(), delete_endpoint_cmd{ep, no_time});
  e.run();
  REQUIRE(deleted->reply);
  REQUIRE(*deleted->reply);
  e.advance(2h);
  CHECK(e.attempts_to(url_a).size() == 1);
  CHECK_FALSE(e.endpoint_actor_of(ep));
}

TEST_CASE("only an endpoint with a small backlog parks", "[engine][parking]") {
  // Waking a parked endpoint reads its whole backlog from the store: a large one stays in an
  // actor rather than being read again at each retry.
  for (const std::size_t backlog : {max_parked_backlog, max_parked_backlog + 1}) {
    INFO("backlog " << backlog);
    vtime_engine e{[](config::config& c) {
      hourly_retries(c);
      c.retry.breaker_threshold = 1000;
    }};
    const auto ep = e.add_endpoint(url_a);
    e.script_for(url_a, fail_first(backlog, 500));
    for (std::size_t i = 0; i < backlog; ++i)
      e.submit("t", "{}");
    e.run();
    REQUIRE(e.attempts_to(url_a).size() == backlog);
    e.advance(e.cfg.endpoints.idle_timeout + 1s);
    CHECK(static_cast<bool>(e.endpoint_actor_of(ep)) == (backlog > max_parked_backlog));
    e.advance(1h);
    CHECK(e.attempts_to(url_a).size() == 2 * backlog); // every retry on time either way
  }
}

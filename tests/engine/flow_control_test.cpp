// Flow control through real HTTP on 127.0.0.1: a rate-limited endpoint's backlog waits in its
// own actor (with most bodies left in the store) while an unlimited one runs at full speed, and the global in-flight limit serves
// endpoints in turn so hanging ones cannot starve a healthy one.
#include "tests/engine/live_engine.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

namespace {

std::vector<std::string> submit_n(live_engine& e, std::size_t n, const std::string& endpoint_id) {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < n; ++i)
    ids.push_back(e.submit("{\"n\":" + std::to_string(i) + "}", endpoint_id));
  return ids;
}

/// The largest number of instants `t` within any window [a, a + w).
template <class TimePoint, class Duration>
std::size_t busiest_window(std::vector<TimePoint> t, Duration w) {
  std::sort(t.begin(), t.end());
  std::size_t best = 0;
  for (std::size_t i = 0, j = 0; j < t.size(); ++j) {
    while (t[j] - t[i] >= w)
      ++i;
    best = std::max(best, j - i + 1);
  }
  return best;
}

} // namespace

TEST_CASE("live: an endpoint limited to 20/s gets 200 messages at that rate while an unlimited "
          "one does not wait",
          "[live][flow]") {
  test_receiver limited_rx;
  test_receiver free_rx;
  live_engine e;
  const auto limited = e.add_endpoint(limited_rx.url("/limited"), {},
                                      [](store::endpoint_record& ep) { ep.rate_limit_per_s = 20; });
  const auto unlimited = e.add_endpoint(free_rx.url("/free"));

  const auto started = steady::now();
  auto slow = submit_n(e, 200, limited);
  auto fast = submit_n(e, 200, unlimited);
  REQUIRE(free_rx.wait_for_count(200, 10s));
  const auto free_done = steady::now();
  // The unlimited endpoint finished while the limited one was still far from done.
  CHECK(limited_rx.count() < 200);

  REQUIRE(limited_rx.wait_for_count(200, 20s));
  const auto seen = limited_rx.requests();
  // At the receiver, 200 requests spread over about 9 s (a burst of 20, then 20 per second).
  // The rate itself is judged at the sender, below. The receiver stamps a request when its io
  // thread reads it, which under a sanitizer on a loaded machine can be half a second late
  // for the first one (8,490 ms seen under ASan): 8 s here.
  CHECK(seen.back().arrival - seen.front().arrival >= 8000ms);
  CHECK(free_done - started < seen.back().arrival - started);
  // The backlog held only the first bodies in memory (bodies_kept); the others were read back
  // from the store when their attempts started. Every body arrived, each exactly once.
  std::vector<std::string> bodies, expected;
  for (const auto& r : seen)
    bodies.push_back(r.body);
  for (std::size_t i = 0; i < 200; ++i)
    expected.push_back("{\"n\":" + std::to_string(i) + "}");
  std::sort(bodies.begin(), bodies.end());
  std::sort(expected.begin(), expected.end());
  CHECK(bodies == expected);
  REQUIRE(wait_until([&] {
    return std::all_of(slow.begin(), slow.end(),
                       [&](auto& m) { return e.delivery_is(m, delivery_status::delivered); });
  }));

  // The rate is judged where the token bucket works: each attempt's `at` in the store is the
  // instant the endpoint actor took its token (take_due's `now`, on the engine's clock, whole
  // milliseconds). There the bound is exact: the bucket starts with 20 tokens and refills at
  // 20/s, so a window shorter than 1 s holds at most 20 + 20 x 0.999 < 40 takes, and 200 takes
  // span at least (200 - 20) / 20 = 9 s. Arrival times at the receiver are not a fair measure:
  // they add each request's trip through the io thread, loopback and the receiver's accept and
  // parse, which varies by tens of milliseconds on a loaded machine, and a late request
  // followed by a prompt one pulls sends 50 ms apart together (the receiver once counted 41
  // in a second while the sender had kept to the rate).
  std::vector<time_point> taken;
  for (const auto& m : slow)
    for (const auto& a : e.attempts_of(m))
      taken.push_back(a.at);
  REQUIRE(taken.size() >= 200);
  std::sort(taken.begin(), taken.end());
  CHECK(busiest_window(taken, 1s) <= 40);
  CHECK(taken.back() - taken.front() >= 9s);
}

TEST_CASE("live: over http.max_in_flight, a healthy endpoint is served in turn, not after every "
          "queued hanging attempt",
          "[live][flow]") {
  test_receiver stuck([](const received_request&) { return reply::hang(); });
  test_receiver healthy;
  live_engine e([](config::config& c) {
    c.http.max_in_flight = 20;
    c.http.attempt_timeout = 2s;
    c.http.connect_timeout = 500ms;
  });
  // 5 hanging endpoints × 10 = 50 attempts: 20 in flight, 30 queued at the destination.
  for (int i = 0; i < 5; ++i)
    submit_n(e, 10, e.add_endpoint(stuck.url("/stuck" + std::to_string(i))));
  REQUIRE(stuck.wait_for_count(20, 5s));
  const auto queued_at = steady::now();
  const auto ok = e.add_endpoint(healthy.url("/ok"));
  const auto msg = e.submit("{}", ok);
  // It waits for the first slot to free (a hanging attempt timing out, ~2 s), not for the
  // 30 attempts queued before it (that would take a second wave of timeouts, ~4 s).
  REQUIRE(healthy.wait_for_count(1, 6s));
  CHECK(healthy.requests().front().arrival - queued_at < 3s);
  CHECK(wait_until([&] { return e.delivery_is(msg, delivery_status::delivered); }));
}

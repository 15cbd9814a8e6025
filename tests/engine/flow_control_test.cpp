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

/// The largest number of requests that arrived within any window of length `w`.
std::size_t busiest_window(const std::vector<received_request>& seen, steady::duration w) {
  std::vector<steady::time_point> t;
  for (const auto& r : seen)
    t.push_back(r.arrival);
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
  // A burst of 20, then 20 per second: at most 40 in any one second, and 200 take >= 9 s.
  CHECK(busiest_window(seen, 1s) <= 40);
  CHECK(seen.back().arrival - seen.front().arrival >= 8500ms);
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

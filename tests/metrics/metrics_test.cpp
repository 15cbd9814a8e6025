// metrics: histogram buckets (a value equal to a bound belongs to it), on_attempt, the attempt
// windows and their per-minute series, lock-free counters.
#include "metrics/metrics.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using hookd::attempt_outcome;
using hookd::metrics::alert_kind;
using hookd::metrics::histogram;

namespace {

const hookd::time_point t0 = hookd::from_unix_ms(1'704'112'470'000); // 2024-01-01 12:34:30 UTC

} // namespace

TEST_CASE("histogram: a value equal to a bound goes into that bound's bucket",
          "[metrics][histogram]") {
  histogram h{{1, 2, 5}};
  const auto empty = h.read();
  CHECK(empty.upper_bounds == std::vector<double>{1, 2, 5});
  CHECK(empty.cumulative == std::vector<std::uint64_t>{0, 0, 0, 0});
  CHECK(empty.count == 0);
  CHECK(empty.sum == 0);

  h.observe(0);         // le=1
  h.observe(1);         // le=1: on the bound
  h.observe(1.0000001); // le=2: just above
  h.observe(2);         // le=2
  h.observe(5);         // le=5
  h.observe(5.5);       // +Inf
  h.observe(-1);        // le=1, adds nothing to the sum
  const auto s = h.read();
  CHECK(s.cumulative == std::vector<std::uint64_t>{3, 5, 6, 7});
  CHECK(s.count == 7);
  CHECK(s.sum == Approx(14.5).margin(1e-6));
}

TEST_CASE("histogram bounds of hookd's metrics: each bound holds its own value",
          "[metrics][histogram]") {
  hookd::metrics::metrics m;
  for (auto* h : {&m.attempt_duration, &m.delivery_latency, &m.store_commit}) {
    const auto bounds = h->read().upper_bounds;
    REQUIRE(std::is_sorted(bounds.begin(), bounds.end()));
    for (const double b : bounds)
      h->observe(b);
    const auto s = h->read();
    for (std::size_t i = 0; i < bounds.size(); ++i)
      CHECK(s.cumulative[i] == i + 1);
    CHECK(s.cumulative.back() == bounds.size()); // nothing in +Inf alone
  }
}

TEST_CASE("on_attempt counts by outcome, times the attempt and feeds the windows",
          "[metrics][metrics]") {
  hookd::metrics::metrics m;
  m.on_attempt(attempt_outcome::success, 20ms, t0);
  m.on_attempt(attempt_outcome::success, 30ms, t0 + 1s);
  m.on_attempt(attempt_outcome::failure, 15s, t0 + 2s);
  m.on_attempt(attempt_outcome::permanent, 100ms, t0 + 3s);
  CHECK(m.attempts[0].value() == 2);
  CHECK(m.attempts[1].value() == 1);
  CHECK(m.attempts[2].value() == 1);
  const auto d = m.attempt_duration.read();
  CHECK(d.count == 4);
  CHECK(d.sum == Approx(15.15));
  const auto w = m.windows.last_5m(t0 + 4s);
  CHECK(w.succeeded == 2);
  CHECK(w.failed == 2); // a permanent failure is a failed attempt
}

TEST_CASE("attempt windows: 5 min, 1 h, 24 h and the last hour per minute", "[metrics][windows]") {
  hookd::metrics::attempt_windows w;
  const auto now = t0;         // 12:34:30
  w.record(now - 61min, true); // 11:33:30: outside the hour
  w.record(now - 59min, true); // 11:35:30
  w.record(now - 2min, false); // 12:32:30
  w.record(now, true);
  w.record(now, true);

  CHECK(w.last_5m(now).succeeded == 2);
  CHECK(w.last_5m(now).failed == 1);
  CHECK(w.last_1h(now).succeeded == 3);
  CHECK(w.last_1h(now).failed == 1);
  CHECK(w.last_24h(now).succeeded == 4);
  CHECK(w.last_24h(now).failed == 1);

  const auto minutes = w.per_minute(now);
  REQUIRE(minutes.size() == 60);
  const auto current_minute = hookd::from_unix_ms(1'704'112'440'000); // 12:34:00
  for (std::size_t i = 0; i < minutes.size(); ++i) {
    INFO("minute " << i);
    CHECK(minutes[i].start == current_minute - std::chrono::minutes{59 - static_cast<long>(i)});
    const std::uint64_t succeeded = i == 0 ? 1 : i == 59 ? 2 : 0;
    const std::uint64_t failed = i == 57 ? 1 : 0;
    CHECK(minutes[i].succeeded == succeeded);
    CHECK(minutes[i].failed == failed);
  }

  // An hour later, all of it has slid out of the per-minute series.
  for (const auto& minute : w.per_minute(now + 61min)) {
    CHECK(minute.succeeded == 0);
    CHECK(minute.failed == 0);
  }
}

TEST_CASE("alert kinds have their documented names", "[metrics][metrics]") {
  CHECK(to_string(alert_kind::endpoint_disabled) == "endpoint_disabled");
  CHECK(to_string(alert_kind::delivery_exhausted) == "delivery_exhausted");
  CHECK(to_string(alert_kind::high_retry_rate) == "high_retry_rate");
  CHECK(to_string(alert_kind::store_error) == "store_error");
  CHECK(to_string(alert_kind::actor_crashed) == "actor_crashed");
}

TEST_CASE("counters are lock-free and exact under concurrent increments", "[metrics][metrics]") {
  STATIC_REQUIRE(std::atomic<std::uint64_t>::is_always_lock_free);
  STATIC_REQUIRE(std::atomic<std::int64_t>::is_always_lock_free);
  hookd::metrics::metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 100'000; ++i) {
        m.attempts[0].inc();
        m.attempts_in_flight.add(1);
        m.attempt_duration.observe(0.001);
        m.attempts_in_flight.add(-1);
      }
    });
  for (auto& t : threads)
    t.join();
  CHECK(m.attempts[0].value() == 400'000);
  CHECK(m.attempts_in_flight.value() == 0);
  CHECK(m.attempt_duration.read().count == 400'000);
  CHECK(m.attempt_duration.read().sum == Approx(400.0));
}

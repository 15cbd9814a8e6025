#include "delivery/endpoint_scheduler.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::delivery;

namespace {

const time_point t0 = from_unix_ms(1'700'000'000'000);

pending_delivery fresh(std::int64_t id, time_point due = t0) {
  pending_delivery d;
  d.id = id;
  d.message_seq = id;
  d.message_id = "msg_" + std::to_string(id);
  d.created_at = due;
  d.due = due;
  return d;
}

attempt_report status(int code, std::string retry_after = {}) {
  return attempt_report{code, attempt_error::none, std::move(retry_after)};
}

attempt_report transport(attempt_error e) {
  return attempt_report{0, e, {}};
}

struct fixture {
  scheduler_config cfg;
  double u = 0.0;
  endpoint_scheduler s;

  explicit fixture(scheduler_config c = {}) : cfg(c), s(c, t0, no_time, [this] { return u; }) {}

  std::vector<std::int64_t> start_ids(time_point now) {
    std::vector<std::int64_t> ids;
    for (auto& st : s.take_due(now).starts)
      ids.push_back(st.delivery_id);
    return ids;
  }
};

} // namespace

TEST_CASE("a new delivery is attempted at once and delivered on 2xx", "[scheduler]") {
  fixture f;
  REQUIRE(f.s.add(fresh(1)));
  CHECK_FALSE(f.s.add(fresh(1))); // duplicates (recovery racing routing) are ignored
  CHECK(f.s.next_wakeup(t0) == t0);
  CHECK(f.start_ids(t0) == std::vector<std::int64_t>{1});
  CHECK(f.s.next_wakeup(t0) == std::nullopt);
  auto fx = f.s.on_result(1, t0 + 20ms, status(200));
  CHECK(fx.known);
  CHECK(fx.outcome == attempt_outcome::success);
  CHECK(fx.update.status == delivery_status::delivered);
  CHECK(fx.update.attempts == 1);
  CHECK(fx.update.first_attempt_at == t0);
  CHECK(f.s.idle());
  CHECK_FALSE(f.s.on_result(1, t0, status(200)).known); // a stale duplicate result
}

TEST_CASE("500 then 200: the retry is due 2–3 minutes after the failure", "[scheduler]") {
  fixture f;
  f.u = 0.25;
  f.s.add(fresh(1));
  f.start_ids(t0);
  auto fx = f.s.on_result(1, t0 + 1s, status(500));
  CHECK(fx.outcome == attempt_outcome::failure);
  CHECK(fx.retry_scheduled);
  CHECK(fx.update.status == delivery_status::pending);
  CHECK(fx.update.last_status_code == 500);
  CHECK(fx.update.last_error == attempt_error::http_status);
  const time_point due = fx.update.next_attempt_at;
  CHECK(due == t0 + 1s + 135s); // 120 s × (1 + 0.5 × 0.25)
  CHECK(f.s.next_wakeup(t0 + 1s) == due);
  CHECK(f.start_ids(due - 1ms).empty());
  CHECK(f.start_ids(due) == std::vector<std::int64_t>{1});
  fx = f.s.on_result(1, due + 5ms, status(200));
  CHECK(fx.update.status == delivery_status::delivered);
  CHECK(fx.update.attempts == 2);
}

TEST_CASE("410 and 404 disable the endpoint at once and drop its queue", "[scheduler]") {
  const int code = GENERATE(404, 410);
  fixture f;
  for (int id = 1; id <= 3; ++id)
    f.s.add(fresh(id, t0 + std::chrono::seconds{id - 1}));
  CHECK(f.start_ids(t0) == std::vector<std::int64_t>{1});
  auto fx = f.s.on_result(1, t0, status(code));
  CHECK(fx.outcome == attempt_outcome::permanent);
  REQUIRE(fx.disable == disabled_reason::gone);
  CHECK(fx.update.status == delivery_status::failed);
  CHECK(fx.update.reason == failure_reason::endpoint_disabled);
  CHECK(f.s.disabled());
  CHECK(f.s.idle());
  CHECK(f.start_ids(t0 + 1h).empty());
  CHECK_FALSE(f.s.add(fresh(9)));
}

TEST_CASE("an always-failing delivery is exhausted at the end of its window", "[scheduler]") {
  fixture f;
  f.s.add(fresh(1));
  time_point now = t0;
  int attempts = 0;
  result_effects fx;
  for (;;) {
    auto ids = f.start_ids(now);
    if (ids.empty()) {
      auto wake = f.s.next_wakeup(now);
      REQUIRE(wake);
      REQUIRE(*wake > now);
      now = *wake;
      continue;
    }
    ++attempts;
    fx = f.s.on_result(1, now, transport(attempt_error::connect_refused));
    if (!fx.retry_scheduled)
      break;
  }
  CHECK(attempts == 15); // u = 0, see tests/policy/retry_schedule_test.cpp
  CHECK(now == t0 + 10h);
  CHECK(fx.exhausted);
  CHECK(fx.update.status == delivery_status::failed);
  CHECK(fx.update.reason == failure_reason::exhausted);
  CHECK(fx.update.last_error == attempt_error::connect_refused);
  CHECK(f.s.idle());
}

TEST_CASE("Retry-After on 429 pushes the retry out", "[scheduler]") {
  fixture f;
  f.s.add(fresh(1));
  f.start_ids(t0);
  auto fx = f.s.on_result(1, t0, status(429, "600"));
  CHECK(fx.update.next_attempt_at == t0 + 600s);
  f.start_ids(t0 + 600s);
  fx = f.s.on_result(1, t0 + 600s, status(500, "6000")); // ignored on a 500
  CHECK(fx.update.next_attempt_at == t0 + 600s + 240s);
}

TEST_CASE("concurrency and rate limits hold attempts back", "[scheduler]") {
  scheduler_config cfg;
  cfg.max_concurrency = 2;
  cfg.rate_limit_per_s = 0;
  fixture f{cfg};
  for (int id = 1; id <= 5; ++id)
    f.s.add(fresh(id));
  CHECK(f.start_ids(t0).size() == 2);
  CHECK(f.s.next_wakeup(t0) == std::nullopt); // only a result can unblock
  f.s.on_result(1, t0, status(200));
  CHECK(f.start_ids(t0) == std::vector<std::int64_t>{3});

  scheduler_config limited;
  limited.rate_limit_per_s = 10; // burst 10
  fixture g{limited};
  for (int id = 1; id <= 25; ++id)
    g.s.add(fresh(id));
  CHECK(g.start_ids(t0).size() == 10);
  CHECK(g.s.next_wakeup(t0) == t0 + 100ms);
}

TEST_CASE("the breaker opens after 5 failures, probes alone, and drains on success",
          "[scheduler][breaker]") {
  fixture f;
  for (int id = 1; id <= 5; ++id)
    f.s.add(fresh(id));
  REQUIRE(f.start_ids(t0).size() == 5);
  result_effects fx;
  for (int id = 1; id <= 5; ++id)
    fx = f.s.on_result(id, t0, status(503));
  CHECK(fx.breaker == policy::circuit_breaker::transition::opened);
  CHECK_FALSE(f.s.breaker().is_closed());

  // New deliveries get no fresh first attempts while the breaker is open.
  for (int id = 6; id <= 10; ++id)
    f.s.add(fresh(id, t0 + 1s));
  CHECK(f.start_ids(t0 + 1s).empty());
  const time_point probe_at = f.s.breaker().next_probe_at();
  CHECK(probe_at == t0 + 120s); // backoff d(1) with u = 0
  CHECK(f.s.next_wakeup(t0 + 1s) == probe_at);

  auto work = f.s.take_due(probe_at);
  REQUIRE(work.starts.size() == 1);
  CHECK(work.starts[0].probe);
  CHECK(f.s.take_due(probe_at + 1h).starts.empty()); // one probe at a time

  SECTION("a failed probe re-opens it on a longer delay") {
    fx = f.s.on_result(work.starts[0].delivery_id, probe_at, status(500));
    CHECK(f.s.breaker().next_probe_at() == probe_at + 240s);
  }
  SECTION("a successful probe closes it and the backlog drains") {
    fx = f.s.on_result(work.starts[0].delivery_id, probe_at, status(200));
    CHECK(fx.breaker == policy::circuit_breaker::transition::closed);
    // The backlog drains: the 5 earlier failures (due at 120 s) and the 4 new ones left.
    CHECK(f.start_ids(probe_at).size() == 9);
  }
}

TEST_CASE("24 h of nothing but failures disables the endpoint as failing", "[scheduler]") {
  scheduler_config cfg;
  cfg.retry.max_duration = 48h; // keep the delivery alive past the 24 h mark
  fixture f{cfg};
  f.s.add(fresh(1));
  time_point now = t0;
  result_effects fx;
  for (;;) {
    f.start_ids(now);
    fx = f.s.on_result(1, now, status(500));
    if (fx.disable)
      break;
    REQUIRE(fx.retry_scheduled);
    now = fx.update.next_attempt_at;
    // Another delivery keeps the breaker's probe stream going; only delivery 1 matters here.
    while (!f.s.breaker().is_closed() && now < f.s.breaker().next_probe_at())
      now = f.s.breaker().next_probe_at();
  }
  CHECK(fx.disable == disabled_reason::failing);
  CHECK(now >= t0 + 24h);
  CHECK(now < t0 + 26h);
  CHECK(f.s.failing_since() == t0);
}

TEST_CASE("hookd's own failures are retried but never open the breaker or start the 24 h clock",
          "[scheduler][local]") {
  fixture f;
  for (int id = 1; id <= 10; ++id)
    f.s.add(fresh(id));
  REQUIRE(f.start_ids(t0).size() == 10);
  for (int id = 1; id <= 10; ++id) {
    auto fx = f.s.on_result(
        id, t0, transport(id % 2 ? attempt_error::local_resources : attempt_error::unavailable));
    CHECK(fx.outcome == attempt_outcome::failure);
    CHECK(fx.retry_scheduled);
    CHECK(fx.update.last_error != attempt_error::none);
    CHECK(fx.breaker == policy::circuit_breaker::transition::none);
    CHECK_FALSE(fx.failing_since_changed);
  }
  CHECK(f.s.breaker().is_closed());
  CHECK(f.s.breaker().consecutive_failures() == 0);
  CHECK(f.s.failing_since() == no_time);
  // The same count of the endpoint's own failures opens it.
  CHECK(f.start_ids(t0 + 1h).size() == 10);
  for (int id = 1; id <= 5; ++id)
    f.s.on_result(id, t0 + 1h, transport(attempt_error::dns));
  CHECK_FALSE(f.s.breaker().is_closed());
  CHECK(f.s.failing_since() == t0 + 1h);
}

TEST_CASE("one success inside the 24 h resets the clock", "[scheduler]") {
  fixture f;
  f.s.add(fresh(1));
  f.start_ids(t0);
  auto fx = f.s.on_result(1, t0, status(500));
  CHECK(fx.failing_since_changed == t0);
  f.s.add(fresh(2, t0 + 23h));
  f.start_ids(t0 + 23h);
  fx = f.s.on_result(2, t0 + 23h, status(200));
  CHECK(fx.failing_since_changed == no_time);
  CHECK(f.s.failing_since() == no_time);
  f.s.add(fresh(3, t0 + 25h));
  f.start_ids(t0 + 25h);
  fx = f.s.on_result(3, t0 + 25h, status(500));
  CHECK_FALSE(fx.disable);
  CHECK(f.s.failing_since() == t0 + 25h);
}

TEST_CASE("a restored failing clock still disables after restart", "[scheduler]") {
  scheduler_config cfg;
  endpoint_scheduler s{cfg, t0 + 24h, t0, [] { return 0.0; }};
  s.add(fresh(1, t0 + 24h));
  s.take_due(t0 + 24h);
  auto fx = s.on_result(1, t0 + 24h, attempt_report{0, attempt_error::timeout, {}});
  CHECK(fx.disable == disabled_reason::failing);
}

TEST_CASE("recovered deliveries keep their attempts and window", "[scheduler]") {
  fixture f;
  auto d = fresh(1, t0 + 5min);
  d.attempts = 3;
  d.first_attempt_at = t0 - 9h - 59min;
  f.s.add(d);
  CHECK(f.start_ids(t0 + 5min).size() == 1);
  auto fx = f.s.on_result(1, t0 + 5min, status(500));
  CHECK(fx.update.attempts == 4);
  CHECK(fx.exhausted); // the window ended before this attempt came back
}

TEST_CASE("disable while attempts are in flight, then enable", "[scheduler]") {
  fixture f;
  f.s.add(fresh(1));
  f.s.add(fresh(2, t0 + 1h));
  f.start_ids(t0);
  CHECK(f.s.disable() == std::vector<std::int64_t>{2});
  auto fx = f.s.on_result(1, t0, status(200));
  CHECK(fx.update.status == delivery_status::delivered); // a real success is recorded as one
  CHECK(f.s.idle());
  f.s.enable(t0);
  CHECK(f.s.add(fresh(3)));
  CHECK(f.start_ids(t0).size() == 1);
}

TEST_CASE("disable then enable gives the endpoint its full concurrency back, results of attempts "
          "started before the disable are still recorded and hold no slot",
          "[scheduler]") {
  scheduler_config cfg;
  cfg.max_concurrency = 2;
  fixture f{cfg};
  f.s.add(fresh(1));
  f.s.add(fresh(2));
  REQUIRE(f.start_ids(t0).size() == 2);
  f.s.disable();
  CHECK(f.s.in_flight() == 2); // their results are still awaited
  CHECK_FALSE(f.s.idle());
  f.s.enable(t0 + 1s);
  for (int id = 3; id <= 6; ++id)
    REQUIRE(f.s.add(fresh(id, t0 + 1s)));
  CHECK(f.start_ids(t0 + 1s) == std::vector<std::int64_t>{3, 4}); // both slots

  // The late results: recorded as they happened, without touching the new attempts' slots.
  auto late = f.s.on_result(1, t0 + 2s, status(200));
  CHECK(late.known);
  CHECK(late.update.status == delivery_status::delivered);
  late = f.s.on_result(2, t0 + 2s, status(500));
  CHECK(late.known);
  CHECK(late.update.status == delivery_status::failed);
  CHECK(late.update.reason == failure_reason::endpoint_disabled);
  CHECK_FALSE(late.retry_scheduled);
  CHECK(f.start_ids(t0 + 2s).empty()); // 3 and 4 still hold both slots
  CHECK(f.s.in_flight() == 2);
  f.s.on_result(3, t0 + 3s, status(200));
  CHECK(f.start_ids(t0 + 3s) == std::vector<std::int64_t>{5});
}

TEST_CASE("a delivery re-queued after enable is not failed by its attempt from before the "
          "disable",
          "[scheduler]") {
  fixture f;
  f.s.add(fresh(1));
  REQUIRE(f.start_ids(t0).size() == 1);
  f.s.disable(); // the attempt is out: an orphan
  f.s.enable(t0 + 1s);
  REQUIRE(f.s.add(fresh(1, t0 + 1s))); // recover re-queued the same delivery
  REQUIRE(f.start_ids(t0 + 1s) == std::vector<std::int64_t>{1});
  // The first result to come back is one attempt of the live, pending delivery: a failure is
  // retried, never turned into failed/endpoint_disabled.
  auto fx = f.s.on_result(1, t0 + 2s, status(500));
  REQUIRE(fx.known);
  CHECK(fx.update.status == delivery_status::pending);
  CHECK(fx.retry_scheduled);
  CHECK(f.s.find(1) != nullptr);
  CHECK_FALSE(f.s.on_result(1, t0 + 3s, status(500)).known); // the other one: stale
  CHECK(f.s.in_flight() == 0);
}

TEST_CASE("an attempt started before a disable but never sent is forgotten, not leaked",
          "[scheduler]") {
  fixture f;
  f.s.add(fresh(1));
  REQUIRE(f.start_ids(t0).size() == 1); // e.g. still waiting for its body from the store
  f.s.disable();
  f.s.forget(1); // the actor drops it: no attempt will report
  CHECK(f.s.in_flight() == 0);
  CHECK(f.s.idle());
  CHECK_FALSE(f.s.on_result(1, t0, status(200)).known);
}

TEST_CASE("a probe in flight when the endpoint is disabled does not block probes after enable",
          "[scheduler][breaker]") {
  fixture f;
  for (int id = 1; id <= 5; ++id) {
    f.s.add(fresh(id));
    f.start_ids(t0);
    f.s.on_result(id, t0, status(500));
  }
  REQUIRE_FALSE(f.s.breaker().is_closed());
  f.s.add(fresh(6));
  auto probe = f.s.take_due(t0 + 1h).starts;
  REQUIRE(probe.size() == 1);
  REQUIRE(probe.front().probe);
  f.s.disable();
  f.s.enable(t0 + 1h);
  // Opened again by fresh failures: its probe must go when due although the old probe never
  // answered.
  for (int id = 11; id <= 15; ++id) {
    f.s.add(fresh(id, t0 + 1h));
    REQUIRE(f.start_ids(t0 + 1h) == std::vector<std::int64_t>{id});
    f.s.on_result(id, t0 + 1h, status(500));
  }
  REQUIRE_FALSE(f.s.breaker().is_closed());
  f.s.add(fresh(16, t0 + 1h));
  const auto wake = f.s.next_wakeup(t0 + 1h);
  REQUIRE(wake);
  auto next = f.s.take_due(*wake + 1h).starts;
  REQUIRE(next.size() == 1);
  CHECK(next.front().probe);
}

TEST_CASE("expedite moves a queued retry to now", "[scheduler]") {
  fixture f;
  f.s.add(fresh(1, t0 + 1h));
  CHECK(f.start_ids(t0).empty());
  CHECK(f.s.expedite(1, t0));
  CHECK(f.start_ids(t0) == std::vector<std::int64_t>{1});
  CHECK_FALSE(f.s.expedite(1, t0)); // in flight
  CHECK_FALSE(f.s.expedite(42, t0));
}

TEST_CASE("while the breaker is open, a delivery whose window ends is exhausted",
          "[scheduler][breaker]") {
  fixture f;
  for (int id = 1; id <= 5; ++id)
    f.s.add(fresh(id));
  f.s.take_due(t0);
  for (int id = 1; id <= 5; ++id)
    f.s.on_result(id, t0, status(500));
  REQUIRE_FALSE(f.s.breaker().is_closed());

  auto old = fresh(9, t0 + 5s);
  old.attempts = 3;
  old.first_attempt_at = t0 - 10h + 10s; // window ends at t0 + 10 s
  f.s.add(old);
  auto work = f.s.take_due(t0 + 60s);
  CHECK(work.starts.empty());
  REQUIRE(work.expired.size() == 1);
  CHECK(work.expired[0].update.delivery_id == 9);
  CHECK(work.expired[0].update.status == delivery_status::failed);
  CHECK(work.expired[0].update.reason == failure_reason::exhausted);
  CHECK(work.expired[0].message_id == "msg_9");
  CHECK(f.s.find(9) == nullptr);
}

TEST_CASE("an open breaker never skips a delivery's last attempt at its window's end",
          "[scheduler][breaker]") {
  // Jitter makes the breaker's probe time and the delivery's own due time differ; whatever
  // they are, an always-failing delivery still gets its attempt exactly at the window's end.
  for (unsigned seed = 0; seed < 500; ++seed) {
    std::mt19937_64 rng{seed};
    std::uniform_real_distribution<double> u{0.0, 1.0};
    endpoint_scheduler s{scheduler_config{}, t0, no_time, [&] { return u(rng); }};
    s.add(fresh(1));
    time_point now = t0;
    time_point last = t0;
    for (;;) {
      auto work = s.take_due(now);
      REQUIRE(work.expired.empty());
      if (work.starts.empty()) {
        auto wake = s.next_wakeup(now);
        REQUIRE(wake);
        now = *wake;
        continue;
      }
      last = now;
      auto fx = s.on_result(1, now, status(500));
      if (!fx.retry_scheduled) {
        REQUIRE(fx.exhausted);
        break;
      }
    }
    REQUIRE(last == t0 + 10h);
  }
}

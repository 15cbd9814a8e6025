// The engine under trouble, through real HTTP on 127.0.0.1 with compressed durations: a
// thousand hanging attempts next to a healthy endpoint, a killed endpoint actor, the circuit
// breaker, a restart with deliveries pending, and graceful shutdown with an attempt in flight.
#include "tests/engine/live_engine.hpp"
#include "tests/support/fd_limit.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

namespace {

/// True when every delivery of every message in `messages` satisfies `pred`.
template <class Pred>
bool all_deliveries(live_engine& e, const std::vector<std::string>& messages, Pred pred) {
  for (const auto& m : messages)
    for (const auto& d : e.deliveries_of(m))
      if (!pred(d))
        return false;
  return true;
}

bool all_delivered(live_engine& e, const std::vector<std::string>& messages) {
  return all_deliveries(e, messages, [](const store::delivery_record& d) {
    return d.status == delivery_status::delivered;
  });
}

/// Every attempt recorded for `messages`.
std::vector<store::attempt_record> attempts_of_all(live_engine& e,
                                                   const std::vector<std::string>& messages) {
  std::vector<store::attempt_record> out;
  for (const auto& m : messages) {
    auto a = e.attempts_of(m);
    out.insert(out.end(), a.begin(), a.end());
  }
  return out;
}

/// When an attempt ended, in wall-clock time.
time_point ended_at(const store::attempt_record& a) {
  return a.at + a.elapsed;
}

std::vector<std::string> submit_n(live_engine& e, std::size_t n, const std::string& endpoint_id,
                                  const std::string& event_type = "test.event") {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < n; ++i)
    ids.push_back(e.submit("{\"n\":" + std::to_string(i) + "}", endpoint_id, event_type));
  return ids;
}

/// The requests that arrived in [from, to).
std::vector<received_request> arrived_between(const std::vector<received_request>& seen,
                                              steady::time_point from, steady::time_point to) {
  std::vector<received_request> out;
  std::copy_if(seen.begin(), seen.end(), std::back_inserter(out),
               [&](const received_request& r) { return r.arrival >= from && r.arrival < to; });
  return out;
}

} // namespace

TEST_CASE("live: 1,000 attempts hanging for the full timeout do not delay a healthy endpoint",
          "[live][load]") {
  constexpr std::size_t stuck_endpoints = 100;
  constexpr std::size_t per_endpoint = 10; // within the default max_concurrency of 16
  constexpr std::size_t hanging = stuck_endpoints * per_endpoint;
  // A client and a server socket per hanging attempt, plus the store and the healthy traffic.
  REQUIRE(raise_fd_limit(2 * hanging + 512) >= 2 * hanging + 512);

  test_receiver stuck([](const received_request&) { return reply::hang(); });
  test_receiver healthy;
  live_engine e([](config::config& c) { c.http.attempt_timeout = 3s; });
  for (std::size_t i = 0; i < stuck_endpoints; ++i)
    e.add_endpoint(stuck.url("/stuck"), {"stuck"});
  const auto ok = e.add_endpoint(healthy.url("/ok"), {"healthy"});

  // One message per endpoint and round: 10 fan-outs of 100 deliveries each.
  const auto stuck_messages = submit_n(e, per_endpoint, {}, "stuck");
  REQUIRE(stuck.wait_for_count(hanging, 3s));       // all of them hanging at once
  REQUIRE(e.endpoint_actor_of(ok) == caf::actor{}); // nothing went to the healthy one

  const auto start = steady::now();
  const auto ok_messages = submit_n(e, 10, ok);
  REQUIRE(wait_until([&] { return all_delivered(e, ok_messages); }, 3s));
  const auto took = steady::now() - start;
  // Ordering, not timings: the healthy deliveries were done before any hanging attempt ended.
  CHECK(attempts_of_all(e, stuck_messages).empty());
  CHECK(stuck.count() == hanging);
  CHECK(healthy.count() == ok_messages.size());
  CHECK(took < e.cfg().http.attempt_timeout / 2);

  // Then the hanging ones time out as retryable failures, after the healthy ones finished.
  REQUIRE(wait_until(
      [&] {
        return all_deliveries(e, stuck_messages, [](const store::delivery_record& d) {
          return d.attempts >= 1 && d.last_error == attempt_error::timeout &&
                 d.status == delivery_status::pending;
        });
      },
      // A wait, not a timing claim: recording 1,000 timeouts took over 3 s under ASan on a
      // loaded machine.
      e.cfg().http.attempt_timeout + 15s));
  const auto stuck_attempts = attempts_of_all(e, stuck_messages);
  const auto ok_attempts = attempts_of_all(e, ok_messages);
  REQUIRE(ok_attempts.size() == ok_messages.size());
  const auto first_timeout =
      std::min_element(stuck_attempts.begin(), stuck_attempts.end(),
                       [](const auto& a, const auto& b) { return ended_at(a) < ended_at(b); });
  REQUIRE(first_timeout != stuck_attempts.end());
  CHECK(first_timeout->error == attempt_error::timeout);
  for (const auto& a : ok_attempts)
    CHECK(ended_at(a) < ended_at(*first_timeout));
}

TEST_CASE("live: a killed endpoint actor is re-created and its delivery still arrives",
          "[live][supervisor]") {
  test_receiver rx(replies({reply::with_status(500)}, reply::ok()));
  live_engine e;
  const auto ep = e.add_endpoint(rx.url());
  const auto msg = e.submit("{}", ep);
  REQUIRE(wait_until([&] { return e.delivery(msg).attempts == 1; }));
  REQUIRE(e.delivery_is(msg, delivery_status::pending)); // its retry is pending

  const auto before = e.endpoint_actor_of(ep);
  REQUIRE(before);
  caf::anon_send_exit(before, caf::exit_reason::kill);
  REQUIRE(wait_until([&] {
    const auto now = e.endpoint_actor_of(ep);
    return now && now != before;
  }));

  REQUIRE(wait_until([&] { return e.delivery_is(msg, delivery_status::delivered); }));
  CHECK(e.delivery(msg).attempts == 2);
  CHECK(rx.count() == 2);
  CHECK(e.attempts_of(msg).size() == 2);
}

TEST_CASE("live: the breaker holds new deliveries after 5 failures, probes once, then drains",
          "[live][breaker]") {
  constexpr auto answer = 50ms; // every reply takes this long, so overlaps are measurable
  test_receiver rx(replies(times(5, reply::with_status(503).with_delay(answer)),
                           reply::ok().with_delay(answer)));
  live_engine e;
  const auto ep = e.add_endpoint(rx.url());
  auto messages = submit_n(e, 5, ep);
  REQUIRE(wait_until(
      [&] { return all_deliveries(e, messages, [](const auto& d) { return d.attempts == 1; }); }));
  // The breaker is open: new messages get no attempt until the probe.
  const auto later = submit_n(e, 5, ep);
  messages.insert(messages.end(), later.begin(), later.end());

  REQUIRE(wait_until([&] { return all_delivered(e, messages); }));
  const auto seen = rx.requests();
  REQUIRE(seen.size() == 15); // 5 failures, the probe, the other 9
  // While the breaker was open — from the 5th failure's answer to the probe's answer — exactly
  // one request was in flight: the probe, on the backoff schedule. (Every request is answered
  // `answer` after it arrives, and the first five all arrived before the 5th one.)
  const auto opened = seen[4].arrival + answer;
  const auto probe_answered = seen[5].arrival + answer;
  CHECK(arrived_between(seen, opened, probe_answered).size() == 1);
  CHECK(gap(seen[4], seen[5]) >= e.cfg().retry.initial_interval);
  for (std::size_t i = 6; i < seen.size(); ++i)
    CHECK(seen[i].arrival >= probe_answered);
  for (const auto& m : messages)
    CHECK(e.delivery(m).last_status_code == 200);
}

TEST_CASE("live: a backlog built while the breaker is open is delivered with its own bodies",
          "[live][breaker]") {
  // Bodies beyond bodies_kept are not held while the breaker is open; they are read back from
  // the store when their attempts start after the probe succeeded.
  test_receiver rx(replies(times(5, reply::with_status(503)), reply::ok()));
  live_engine e;
  const auto ep = e.add_endpoint(rx.url());
  auto messages = submit_n(e, 5, ep);
  REQUIRE(wait_until(
      [&] { return all_deliveries(e, messages, [](const auto& d) { return d.attempts == 1; }); }));
  std::vector<std::string> expected;
  for (std::size_t i = 0; i < 5; ++i)
    expected.push_back("{\"n\":" + std::to_string(i) + "}");
  for (std::size_t i = 0; i < 60; ++i) { // well over bodies_kept, while the breaker is open
    const auto body = "{\"backlog\":" + std::to_string(i) + "}";
    messages.push_back(e.submit(body, ep, "test.event"));
    expected.push_back(body);
  }

  REQUIRE(wait_until([&] { return all_delivered(e, messages); }));
  const auto seen = rx.requests();
  std::vector<std::string> succeeded; // every request after the first 5 (the 503s) got a 200
  for (std::size_t i = 5; i < seen.size(); ++i)
    succeeded.push_back(seen[i].body);
  std::sort(succeeded.begin(), succeeded.end());
  std::sort(expected.begin(), expected.end());
  CHECK(succeeded == expected);
}

TEST_CASE("live: after a restart pending deliveries resume and keep their attempt counts",
          "[live][recovery]") {
  test_receiver rx([](const received_request&) { return reply::with_status(500); });
  live_engine e;
  const auto ep = e.add_endpoint(rx.url());
  const auto messages = submit_n(e, 3, ep);
  REQUIRE(wait_until(
      [&] { return all_deliveries(e, messages, [](const auto& d) { return d.attempts >= 2; }); }));

  e.stop(); // the engine and its actor system are gone; the deliveries are pending on disk
  std::vector<int> before;
  for (const auto& m : messages) {
    const auto d = e.delivery(m);
    CHECK(d.status == delivery_status::pending);
    before.push_back(d.attempts);
  }
  rx.set_handler([](const received_request&) { return reply::ok(); });

  CHECK(e.start() == 1); // one endpoint with pending work
  REQUIRE(wait_until([&] { return all_delivered(e, messages); }));
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto d = e.delivery(messages[i]);
    CHECK(d.attempts == before[i] + 1);
    CHECK(d.attempts > 1);
    CHECK(e.attempts_of(messages[i]).size() == static_cast<std::size_t>(d.attempts));
  }
}

TEST_CASE("live: graceful shutdown lets the attempt in flight finish and records it",
          "[live][shutdown]") {
  test_receiver rx([](const received_request&) { return reply::ok().with_delay(300ms); });
  live_engine e;
  const auto ep = e.add_endpoint(rx.url());
  const auto msg = e.submit("{}", ep);
  REQUIRE(rx.wait_for_count(1, 2s)); // the attempt is in flight

  const auto start = steady::now();
  e.shutdown();
  const auto took = steady::now() - start;
  // Recorded before shutdown_blocking returned: no polling here.
  const auto d = e.delivery(msg);
  CHECK(d.status == delivery_status::delivered);
  CHECK(d.attempts == 1);
  const auto attempts = e.attempts_of(msg);
  REQUIRE(attempts.size() == 1);
  CHECK(attempts.front().status_code == 200);
  CHECK(took >= 200ms); // it waited for the answer
  CHECK(took < 2s);
}

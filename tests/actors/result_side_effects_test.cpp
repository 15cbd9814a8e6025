// What an attempt result causes besides the scheduler's state (actors/result_side_effects),
// without actors: the writes, the metrics and the failure board, the log lines.
#include "actors/result_side_effects.hpp"

#include <catch2/catch.hpp>

#include <spdlog/sinks/ostream_sink.h>

#include <memory>
#include <sstream>

using namespace std::chrono_literals;
using namespace hookd;

namespace {

const time_point t0 = from_unix_ms(1'700'000'000'000);

/// A delivery of message msg_1 accepted at t0 whose attempt started at t0 + 10 s.
struct result_fixture {
  delivery::pending_delivery d;
  delivery::result_effects fx;
  attempt_result r;
  store::endpoint_record ep;

  result_fixture() {
    d.id = 7;
    d.message_seq = 3;
    d.message_id = "msg_1";
    d.created_at = t0;
    fx.known = true;
    fx.delivery = &d;
    fx.started_at = t0 + 10s;
    fx.update.delivery_id = 7;
    fx.update.attempts = 1;
    ep.id = "ep_1";
    ep.url = "https://example.com/hook";
    r.delivery_id = 7;
    r.elapsed = 250ms;
  }

  void failed_with(int status, attempt_error e, std::string detail = {}) {
    fx.outcome = attempt_outcome::failure;
    fx.update.last_error = e;
    fx.update.last_status_code = status;
    r.status = status;
    r.error = e;
    r.error_detail = std::move(detail);
  }
};

/// A logger at debug level that writes into a string.
struct captured_log {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> log;

  captured_log() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
    sink->set_pattern("%l %v");
    log = std::make_shared<spdlog::logger>("test", sink);
    log->set_level(spdlog::level::debug);
  }
};

} // namespace

TEST_CASE("a result's writes: the attempt with its delivery's update, the 24-hour clock when it "
          "moved",
          "[result_side_effects]") {
  result_fixture f;
  f.failed_with(503, attempt_error::http_status, "busy");
  f.r.response_body = "try later";
  f.fx.update.status = delivery_status::pending;
  f.fx.update.next_attempt_at = t0 + 15s;

  auto w = writes_for_result(f.ep.id, f.fx, f.r);
  const auto& a = w.record.attempt;
  CHECK(a.delivery_id == 7);
  CHECK(a.message_id == "msg_1");
  CHECK(a.endpoint_id == "ep_1");
  CHECK(a.at == t0 + 10s); // when it started, not when the result came
  CHECK(a.outcome == attempt_outcome::failure);
  CHECK(a.status_code == 503);
  CHECK(a.elapsed == 250ms);
  CHECK(a.error == attempt_error::http_status);
  CHECK(a.error_detail == "busy");
  CHECK(a.response_body == "try later");
  CHECK(w.record.update.delivery_id == 7);
  CHECK(w.record.update.next_attempt_at == t0 + 15s);
  CHECK_FALSE(w.failing_since.has_value());

  f.fx.failing_since_changed = t0 + 10s;
  w = writes_for_result(f.ep.id, f.fx, f.r);
  REQUIRE(w.failing_since.has_value());
  CHECK(w.failing_since->endpoint_id == "ep_1");
  CHECK(w.failing_since->since == t0 + 10s);

  f.fx.failing_since_changed = no_time; // cleared by a success: persisted as no_time
  w = writes_for_result(f.ep.id, f.fx, f.r);
  REQUIRE(w.failing_since.has_value());
  CHECK(w.failing_since->since == no_time);
}

TEST_CASE("a disable request names the status, or the error when no response came",
          "[result_side_effects]") {
  result_fixture f;
  f.failed_with(410, attempt_error::http_status);
  f.fx.outcome = attempt_outcome::permanent;
  f.fx.disable = disabled_reason::gone;
  auto req = disable_request_for(f.ep.id, f.fx, f.r);
  CHECK(req.endpoint_id == "ep_1");
  CHECK(req.reason == disabled_reason::gone);
  CHECK(req.message_id == "msg_1");
  CHECK(req.detail == "HTTP 410");

  f.failed_with(0, attempt_error::timeout);
  f.fx.disable = disabled_reason::failing;
  CHECK(disable_request_for(f.ep.id, f.fx, f.r).detail == "timeout");
}

TEST_CASE("a delivered result counts the attempt, the delivery and its latency",
          "[result_side_effects]") {
  result_fixture f;
  metrics::metrics m;
  metrics::failure_board board;
  m.attempts_in_flight.add(1);
  f.fx.outcome = attempt_outcome::success;
  f.fx.update.status = delivery_status::delivered;

  count_result(m, board, f.ep, f.fx, f.r, t0 + 12s);
  CHECK(m.attempts_in_flight.value() == 0);
  CHECK(m.attempts[static_cast<std::size_t>(attempt_outcome::success)].value() == 1);
  CHECK(m.attempt_duration.read().count == 1);
  CHECK(m.deliveries_delivered.value() == 1);
  auto latency = m.delivery_latency.read();
  CHECK(latency.count == 1);
  CHECK(latency.sum == Approx(12.0)); // accepted at t0, delivered at t0 + 12 s
  CHECK(m.retries_scheduled.value() == 0);
  CHECK(board.most_failing(t0 + 12s, 10).empty());
}

TEST_CASE("a failed result counts the retry or the failed delivery and goes on the failure board",
          "[result_side_effects]") {
  result_fixture f;
  metrics::metrics m;
  metrics::failure_board board;
  f.failed_with(500, attempt_error::http_status, "oops");
  f.fx.retry_scheduled = true;
  f.fx.update.status = delivery_status::pending;
  count_result(m, board, f.ep, f.fx, f.r, t0 + 11s);
  CHECK(m.attempts[static_cast<std::size_t>(attempt_outcome::failure)].value() == 1);
  CHECK(m.retries_scheduled.value() == 1);
  CHECK(m.deliveries_delivered.value() == 0);
  auto failing = board.most_failing(t0 + 11s, 10);
  REQUIRE(failing.size() == 1);
  CHECK(failing[0].endpoint_id == "ep_1");
  CHECK(failing[0].url == "https://example.com/hook");
  CHECK(failing[0].last_status_code == 500);
  CHECK(failing[0].last_error_detail == "oops");
  CHECK(failing[0].last_message_id == "msg_1");
  CHECK(failing[0].last_failure_at == t0 + 10s);

  f.fx.retry_scheduled = false;
  f.fx.exhausted = true;
  f.fx.update.status = delivery_status::failed;
  f.fx.update.reason = failure_reason::exhausted;
  count_result(m, board, f.ep, f.fx, f.r, t0 + 12s);
  CHECK(m.retries_scheduled.value() == 1);
  CHECK(m.deliveries_failed[static_cast<std::size_t>(failure_reason::exhausted)].value() == 1);

  count_expired(m);
  CHECK(m.deliveries_failed[static_cast<std::size_t>(failure_reason::exhausted)].value() == 2);
}

TEST_CASE("a result's log lines say what changed", "[result_side_effects]") {
  result_fixture f;
  captured_log c;
  f.failed_with(0, attempt_error::timeout, "no answer");
  f.fx.retry_scheduled = true;
  f.fx.update.next_attempt_at = t0 + 70s;
  f.fx.breaker = policy::circuit_breaker::transition::opened;
  log_result(*c.log, f.ep.id, f.fx, f.r, 5, t0 + 10s);
  auto text = c.out.str();
  CHECK_THAT(text, Catch::Contains("debug attempt endpoint=ep_1 message=msg_1 delivery=7 "
                                   "outcome=failure status=0 error=timeout elapsed_ms=250 "
                                   "detail=no answer"));
  CHECK_THAT(text, Catch::Contains("warning breaker opened endpoint=ep_1 consecutive_failures=5"));
  CHECK_THAT(text, Catch::Contains("info retry scheduled endpoint=ep_1 message=msg_1 delivery=7 "
                                   "attempt=1 next_in_ms=60000"));
  CHECK_THAT(text, !Catch::Contains("exhausted"));
  CHECK_THAT(text, !Catch::Contains("disabled"));

  captured_log gone;
  f.failed_with(410, attempt_error::http_status);
  f.fx.outcome = attempt_outcome::permanent;
  f.fx.retry_scheduled = false;
  f.fx.breaker = policy::circuit_breaker::transition::none;
  f.fx.disable = disabled_reason::gone;
  log_result(*gone.log, f.ep.id, f.fx, f.r, 1, t0 + 10s);
  CHECK_THAT(gone.out.str(), Catch::Contains("warning endpoint must be disabled endpoint=ep_1 "
                                             "reason=gone message=msg_1 detail=HTTP 410"));
  CHECK_THAT(gone.out.str(), !Catch::Contains("retry scheduled"));

  captured_log expired;
  delivery::endpoint_scheduler::expired_delivery e;
  e.update.delivery_id = 9;
  e.update.attempts = 4;
  e.message_id = "msg_2";
  log_expired(*expired.log, "ep_1", e);
  CHECK_THAT(expired.out.str(), Catch::Contains("warning delivery exhausted endpoint=ep_1 "
                                                "message=msg_2 delivery=9 attempts=4 (held back"));
}

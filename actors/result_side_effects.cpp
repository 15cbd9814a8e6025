#include "actors/result_side_effects.hpp"

#include <chrono>

namespace hookd {
namespace {

std::string disable_detail(const delivery::result_effects& fx, const attempt_result& r) {
  return r.status != 0 ? "HTTP " + std::to_string(r.status)
                       : std::string{to_string(fx.update.last_error)};
}

} // namespace

result_writes writes_for_result(const std::string& endpoint_id, const delivery::result_effects& fx,
                                const attempt_result& r) {
  store::attempt_record a;
  a.delivery_id = fx.update.delivery_id;
  a.message_id = fx.delivery->message_id;
  a.endpoint_id = endpoint_id;
  a.at = fx.started_at;
  a.outcome = fx.outcome;
  a.status_code = r.status;
  a.elapsed = r.elapsed;
  a.error = fx.update.last_error;
  a.error_detail = r.error_detail;
  a.response_body = r.response_body;
  result_writes w{record_attempt_cmd{std::move(a), fx.update, {}}, std::nullopt};
  if (fx.failing_since_changed)
    w.failing_since = set_failing_since_cmd{endpoint_id, *fx.failing_since_changed, {}};
  return w;
}

disable_endpoint disable_request_for(const std::string& endpoint_id,
                                     const delivery::result_effects& fx, const attempt_result& r) {
  return disable_endpoint{endpoint_id, *fx.disable, fx.delivery->message_id, disable_detail(fx, r)};
}

void log_result(spdlog::logger& log, const std::string& endpoint_id,
                const delivery::result_effects& fx, const attempt_result& r,
                int consecutive_failures, time_point now) {
  const auto& ep = endpoint_id;
  const auto& msg = fx.delivery->message_id;
  log.debug("attempt endpoint={} message={} delivery={} outcome={} status={} error={} "
            "elapsed_ms={}{}",
            ep, msg, fx.update.delivery_id, to_string(fx.outcome), r.status,
            to_string(fx.update.last_error), r.elapsed.count(),
            r.error_detail.empty() ? "" : " detail=" + r.error_detail);
  using transition = policy::circuit_breaker::transition;
  if (fx.breaker == transition::opened)
    log.warn("breaker opened endpoint={} consecutive_failures={}", ep, consecutive_failures);
  else if (fx.breaker == transition::closed)
    log.info("breaker closed endpoint={} message={}", ep, msg);
  if (fx.retry_scheduled)
    log.info("retry scheduled endpoint={} message={} delivery={} attempt={} next_in_ms={}", ep, msg,
             fx.update.delivery_id, fx.update.attempts, (fx.update.next_attempt_at - now).count());
  if (fx.exhausted)
    log.warn("delivery exhausted endpoint={} message={} delivery={} attempts={}", ep, msg,
             fx.update.delivery_id, fx.update.attempts);
  if (fx.disable)
    log.warn("endpoint must be disabled endpoint={} reason={} message={} detail={}", ep,
             to_string(*fx.disable), msg, disable_detail(fx, r));
}

void count_result(metrics::metrics& m, metrics::failure_board& failures,
                  const store::endpoint_record& ep, const delivery::result_effects& fx,
                  const attempt_result& r, time_point now) {
  m.attempts_in_flight.add(-1);
  m.on_attempt(fx.outcome, r.elapsed, fx.started_at);
  m.per_endpoint.record(ep.id, fx.started_at, fx.outcome == attempt_outcome::success);
  if (fx.outcome == attempt_outcome::success)
    failures.record_success(ep.id, fx.started_at);
  else
    failures.record_failure(ep.id, ep.url, fx.started_at, r.status, fx.update.last_error,
                            r.error_detail, fx.delivery->message_id);
  if (fx.update.status == delivery_status::delivered) {
    m.deliveries_delivered.inc();
    const std::chrono::duration<double> latency = now - fx.delivery->created_at;
    m.delivery_latency.observe(latency.count());
  } else if (fx.update.status == delivery_status::failed) {
    m.deliveries_failed[static_cast<std::size_t>(fx.update.reason)].inc();
  }
  if (fx.retry_scheduled)
    m.retries_scheduled.inc();
}

void log_expired(spdlog::logger& log, const std::string& endpoint_id,
                 const delivery::endpoint_scheduler::expired_delivery& e) {
  log.warn("delivery exhausted endpoint={} message={} delivery={} attempts={} (held back by "
           "the open breaker until its window ended)",
           endpoint_id, e.message_id, e.update.delivery_id, e.update.attempts);
}

void count_expired(metrics::metrics& m) {
  m.deliveries_failed[static_cast<std::size_t>(failure_reason::exhausted)].inc();
}

} // namespace hookd

#pragma once
// What an attempt result causes besides the scheduler's own state, as plain functions of the
// scheduler's `result_effects` (no actors): the writes to persist, the log lines, the metrics.
// The endpoint actor sends the writes (store writer, dispatcher, supervisor) and calls the
// others; nothing here sends a message.
#include "delivery/endpoint_scheduler.hpp"
#include "messages/attempt.hpp"
#include "messages/lifecycle.hpp"
#include "messages/store_commands.hpp"
#include "metrics/failure_board.hpp"
#include "metrics/metrics.hpp"

#include <spdlog/logger.h>

#include <optional>
#include <string>

namespace hookd {

/// The writes one result needs.
struct result_writes {
  record_attempt_cmd record; ///< to the store writer: the attempt and its delivery's update
  /// To the dispatcher, whose registry must know it too: the 24-hour clock moved.
  std::optional<set_failing_since_cmd> failing_since;
};

/// The writes for a known result (`fx.known`) of an attempt to `endpoint_id`.
result_writes writes_for_result(const std::string& endpoint_id, const delivery::result_effects& fx,
                                const attempt_result& r);

/// The supervisor's request for a result that decided the endpoint must be disabled
/// (`fx.disable` set); its detail is "HTTP <status>", or the attempt error without a response.
disable_endpoint disable_request_for(const std::string& endpoint_id,
                                     const delivery::result_effects& fx, const attempt_result& r);

/// Logs the attempt (debug) and what it changed: the breaker opened (warn, with
/// `consecutive_failures`) or closed, a retry scheduled (its delay from `now`), the delivery
/// exhausted (warn), the endpoint to be disabled (warn).
void log_result(spdlog::logger& log, const std::string& endpoint_id,
                const delivery::result_effects& fx, const attempt_result& r,
                int consecutive_failures, time_point now);

/// Counts the attempt: one fewer in flight, its outcome and duration, the failure board, a
/// delivery delivered (with its latency at `now`) or failed, a retry scheduled. Atomics and one
/// short lock, no messages.
void count_result(metrics::metrics& m, metrics::failure_board& failures,
                  const store::endpoint_record& ep, const delivery::result_effects& fx,
                  const attempt_result& r, time_point now);

/// A delivery whose retry window ended while the open breaker held it back (take_due's
/// `expired`): logged (warn) and counted as failed/exhausted.
void log_expired(spdlog::logger& log, const std::string& endpoint_id,
                 const delivery::endpoint_scheduler::expired_delivery& e);
void count_expired(metrics::metrics& m);

} // namespace hookd

#pragma once
// The per-endpoint delivery state machine, in plain C++ (no actors, no I/O, no clock).
//
// An endpoint actor owns one `endpoint_scheduler` and only translates: messages in become calls
// here, the returned effects become messages out. Everything docs/behaviour.md decides per endpoint
// happens in this class, so it is tested with explicit time points:
//   - due-time ordering of pending deliveries (a min-heap; one timer per endpoint: next_wakeup);
//   - concurrency limit, token-bucket rate limit;
//   - circuit breaker: no fresh attempts while open, one probe at a time on the backoff schedule;
//   - retry schedule with jitter, the retry window, Retry-After;
//   - classification of results: success, retryable failure, permanent (disable `gone`);
//   - the 24-hour rule (disable `failing`); failures that are hookd's own (local_resources,
//     unavailable: policy::blames_endpoint) are retried but count toward neither it nor the
//     breaker.
//
// Life cycle of a delivery inside: queued --take_due--> in flight --on_result--> queued again
// (retry) or gone (delivered / exhausted / endpoint disabled). Disabling drops the queue; the
// attempts in flight become orphans: their results are still applied (delivered, or failed as
// endpoint_disabled) but they hold no concurrency slot, so after an enable the endpoint has its
// full concurrency at once and a late result cannot disturb the new attempts' counts.
#include "delivery/recently_finished.hpp"
#include "policy/circuit_breaker.hpp"
#include "policy/failure_clock.hpp"
#include "policy/retry_schedule.hpp"
#include "policy/token_bucket.hpp"
#include "store/records.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

namespace hookd::delivery {

struct scheduler_config {
  policy::retry_policy retry;
  std::vector<int> permanent_statuses{404, 410};
  duration failure_disable_after = std::chrono::hours{24};
  int max_concurrency = 16;
  double rate_limit_per_s = 0; ///< 0: unlimited
};

/// What the scheduler needs to know of one pending delivery.
struct pending_delivery {
  std::int64_t id = 0;
  std::int64_t message_seq = 0;
  std::string message_id;
  time_point created_at = no_time; ///< message accepted (for latency)
  std::int32_t attempts = 0;
  time_point first_attempt_at = no_time;
  time_point due = no_time;
};

/// An attempt the actor must start now.
struct attempt_start {
  std::int64_t delivery_id = 0;
  bool probe = false; ///< the breaker's single probe
};

/// The raw result of an attempt, as a destination reported it.
struct attempt_report {
  int status = 0;
  attempt_error error = attempt_error::none;
  std::string retry_after; ///< raw header value; empty when absent
};

/// What the actor must do after a result.
struct result_effects {
  bool known = false; ///< false: the id was not in flight (stale or duplicate result)
  attempt_outcome outcome = attempt_outcome::failure;
  const pending_delivery* delivery = nullptr; ///< valid until the next call
  time_point started_at = no_time;            ///< when the attempt started (take_due's `now`)
  bool probe = false;                         ///< the attempt was the breaker's probe
  store::delivery_update update;              ///< persist (with the attempt record)
  bool retry_scheduled = false;
  bool exhausted = false;
  std::optional<disabled_reason> disable; ///< the endpoint must be disabled now
  policy::circuit_breaker::transition breaker = policy::circuit_breaker::transition::none;
  std::optional<time_point> failing_since_changed; ///< persist (no_time: cleared)
};

class endpoint_scheduler {
public:
  /// `jitter` yields u in [0,1) for each retry; `failing_since` restores the 24-hour clock.
  endpoint_scheduler(scheduler_config cfg, time_point now, time_point failing_since,
                     std::function<double()> jitter);

  /// Adds a new or recovered delivery. Returns false (and ignores it) when the id is already
  /// known, the endpoint is disabled, or it is a stale copy of a delivery this scheduler
  /// finished after `updated_at` (the copy's last update in the store; recently_finished.hpp).
  bool add(pending_delivery d, time_point updated_at = no_time);

  /// A delivery whose window ended while the open breaker held it back: exhausted.
  struct expired_delivery {
    store::delivery_update update; ///< to persist
    std::string message_id;
  };
  /// Starts every attempt that may start at `now`; also reports deliveries that expired.
  struct due_work {
    std::vector<attempt_start> starts;
    std::vector<expired_delivery> expired;
  };
  due_work take_due(time_point now);

  /// When calling take_due next could start something; nullopt: nothing to wait for (empty, or
  /// only in-flight results can unblock it).
  std::optional<time_point> next_wakeup(time_point now) const;

  /// Applies the result of an in-flight delivery's attempt, received at `now`.
  result_effects on_result(std::int64_t delivery_id, time_point now, const attempt_report& report);

  /// Moves a queued delivery's due time to `now` (an operator's "retry now"). False if unknown.
  bool expedite(std::int64_t delivery_id, time_point now);

  /// Stops all work: clears the queue and returns the ids that were queued (not in flight);
  /// the attempts in flight become orphans (see above) and free their slots.
  std::vector<std::int64_t> disable();
  bool disabled() const { return disabled_; }
  /// Accepts work again after an operator re-enabled the endpoint (breaker, rate limiter and
  /// clock reset; every concurrency slot free).
  void enable(time_point now);

  /// An orphaned attempt that was never sent (the actor dropped it while its body was being
  /// read): no result will come, so it is forgotten. Does nothing for other ids.
  void forget(std::int64_t delivery_id);

  void reconfigure(int max_concurrency, double rate_limit_per_s, time_point now);

  const pending_delivery* find(std::int64_t delivery_id) const;
  std::size_t size() const { return deliveries_.size(); }
  /// Attempts whose results are awaited, orphans included.
  std::size_t in_flight() const { return in_flight_ + orphans_.size(); }
  /// Nothing queued and no result awaited.
  bool idle() const { return deliveries_.empty() && orphans_.empty(); }
  const policy::circuit_breaker& breaker() const { return breaker_; }
  /// An endpoint spawned again after parking takes back its breaker (delivery/parked_endpoints).
  void restore_breaker(const policy::circuit_breaker::snapshot& s) { breaker_.restore(s); }
  time_point failing_since() const { return failure_clock_.failing_since(); }

private:
  struct entry {
    pending_delivery d;
    bool in_flight = false;
    bool probe = false;
    time_point started_at = no_time;
  };
  struct queued {
    time_point due;
    std::int64_t id;
    bool operator>(const queued& other) const {
      return due != other.due ? due > other.due : id > other.id;
    }
  };

  void push(const entry& e);
  /// Drops stale heap entries (delivered, in flight or rescheduled) from the top.
  void prune() const;
  const queued* top() const;
  void start(entry& e, bool probe, time_point now, due_work& out);
  store::delivery_update update_for(const entry& e, time_point now) const;
  /// The retry window ended before `now`: nothing more may be attempted.
  bool window_over(const pending_delivery& d, time_point now) const;
  /// While the breaker is open: when this delivery may go as the probe.
  time_point probe_time(const pending_delivery& d) const;
  result_effects orphan_result(std::unordered_map<std::int64_t, entry>::iterator orphan,
                               time_point now, const attempt_report& r);
  void fail_retryable(entry& e, time_point now, const attempt_report& r, result_effects& fx);
  duration probe_delay();

  scheduler_config cfg_;
  std::function<double()> jitter_;
  std::unordered_map<std::int64_t, entry> deliveries_;
  /// Attempts in flight when the endpoint was disabled: awaited, but holding no slot.
  std::unordered_map<std::int64_t, entry> orphans_;
  mutable std::priority_queue<queued, std::vector<queued>, std::greater<>> queue_;
  std::size_t in_flight_ = 0; ///< in `deliveries_` (orphans not counted)
  bool probe_in_flight_ = false;
  bool disabled_ = false;
  policy::circuit_breaker breaker_;
  policy::token_bucket bucket_;
  policy::failure_clock failure_clock_;
  pending_delivery last_removed_; ///< backs result_effects::delivery after removal
  recently_finished finished_; ///< stale copies from the store are recognised
};

} // namespace hookd::delivery

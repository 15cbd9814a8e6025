#include "delivery/endpoint_scheduler.hpp"

#include "policy/classification.hpp"
#include "policy/retry_after.hpp"

#include <algorithm>
#include <utility>

namespace hookd::delivery {

using policy::circuit_breaker;

namespace {

/// A status outside 2xx without a transport error is an http_status error.
attempt_error effective_error(const attempt_report& r) {
  if (r.status != 0 && r.error == attempt_error::none && (r.status < 200 || r.status >= 300))
    return attempt_error::http_status;
  return r.error;
}

} // namespace

endpoint_scheduler::endpoint_scheduler(scheduler_config cfg, time_point now,
                                       time_point failing_since, std::function<double()> jitter)
    : cfg_(std::move(cfg)), jitter_(std::move(jitter)), breaker_(cfg_.retry.breaker_threshold),
      bucket_(cfg_.rate_limit_per_s, 0, now), failure_clock_(failing_since) {}

bool endpoint_scheduler::add(pending_delivery d, time_point updated_at) {
  if (disabled_ || deliveries_.contains(d.id) || finished_.stale(d.id, updated_at))
    return false;
  // Re-queued (enable + recover) while an attempt from before the disable is still out: that
  // old attempt must not decide the new pending delivery's fate as an orphan (failing it as
  // endpoint_disabled). Its result, if it comes while the new attempt is out, counts as that
  // attempt's; otherwise it is ignored like any stale result.
  const auto id = d.id; // read before the move: argument evaluation order is unspecified
  orphans_.erase(id);
  auto [it, inserted] = deliveries_.emplace(id, entry{std::move(d)});
  push(it->second);
  return inserted;
}

void endpoint_scheduler::push(const entry& e) {
  queue_.push(queued{e.d.due, e.d.id});
}

void endpoint_scheduler::prune() const {
  while (!queue_.empty()) {
    const queued& q = queue_.top();
    auto it = deliveries_.find(q.id);
    if (it != deliveries_.end() && !it->second.in_flight && it->second.d.due == q.due)
      return;
    queue_.pop();
  }
}

const endpoint_scheduler::queued* endpoint_scheduler::top() const {
  prune();
  return queue_.empty() ? nullptr : &queue_.top();
}

void endpoint_scheduler::start(entry& e, bool probe, time_point now, due_work& out) {
  queue_.pop();
  e.in_flight = true;
  e.probe = probe;
  e.started_at = now;
  ++in_flight_;
  if (probe) {
    probe_in_flight_ = true;
    breaker_.on_probe_started();
  }
  out.starts.push_back(attempt_start{e.d.id, probe});
}

endpoint_scheduler::due_work endpoint_scheduler::take_due(time_point now) {
  due_work out;
  if (disabled_)
    return out;
  const auto max_in_flight = static_cast<std::size_t>(std::max(1, cfg_.max_concurrency));
  if (!breaker_.is_closed()) {
    // Open: deliveries whose window ended while held back are exhausted; then one probe at a
    // time, when the candidate may go (see probe_time).
    while (const queued* q = top()) {
      entry& e = deliveries_.at(q->id);
      if (!window_over(e.d, now)) {
        if (!probe_in_flight_ && now >= probe_time(e.d) && in_flight_ < max_in_flight &&
            bucket_.try_take(now))
          start(e, true, now, out);
        return out;
      }
      queue_.pop();
      auto update = update_for(e, now);
      update.status = delivery_status::failed;
      update.reason = failure_reason::exhausted;
      update.next_attempt_at = no_time;
      out.expired.push_back(expired_delivery{update, e.d.message_id});
      finished_.remember(e.d.id, now);
      deliveries_.erase(e.d.id);
    }
    return out;
  }
  while (in_flight_ < max_in_flight) {
    const queued* q = top();
    if (q == nullptr || q->due > now || !bucket_.try_take(now))
      break;
    start(deliveries_.at(q->id), false, now, out);
  }
  return out;
}

std::optional<time_point> endpoint_scheduler::next_wakeup(time_point now) const {
  if (disabled_ || in_flight_ >= static_cast<std::size_t>(std::max(1, cfg_.max_concurrency)))
    return std::nullopt;
  const queued* q = top();
  if (q == nullptr)
    return std::nullopt;
  if (!breaker_.is_closed()) {
    if (probe_in_flight_)
      return std::nullopt;
    const entry& e = deliveries_.at(q->id);
    if (window_over(e.d, now))
      return now;
    return std::max(probe_time(e.d), bucket_.next_available(now));
  }
  return std::max(q->due, bucket_.next_available(now));
}

bool endpoint_scheduler::window_over(const pending_delivery& d, time_point now) const {
  return d.first_attempt_at != no_time && now > d.first_attempt_at + cfg_.retry.max_duration;
}

time_point endpoint_scheduler::probe_time(const pending_delivery& d) const {
  // Not before its own due time nor the breaker's next probe — but never after its window's
  // end: a delivery's last attempt is not skipped because the breaker is open.
  const time_point t = std::max(d.due, breaker_.next_probe_at());
  if (d.first_attempt_at == no_time)
    return t;
  return std::min(t, d.first_attempt_at + cfg_.retry.max_duration);
}

store::delivery_update endpoint_scheduler::update_for(const entry& e, time_point now) const {
  store::delivery_update u;
  u.delivery_id = e.d.id;
  u.status = delivery_status::pending;
  u.attempts = e.d.attempts;
  u.first_attempt_at = e.d.first_attempt_at;
  u.next_attempt_at = e.d.due;
  u.at = now;
  return u;
}

duration endpoint_scheduler::probe_delay() {
  // The breaker probes on the backoff schedule, counted from the failure that opened it.
  const int k = std::max(1, breaker_.failures_beyond_threshold() + 1);
  return policy::backoff_delay(cfg_.retry, k, jitter_());
}

result_effects endpoint_scheduler::on_result(std::int64_t delivery_id, time_point now,
                                             const attempt_report& report) {
  if (auto orphan = orphans_.find(delivery_id); orphan != orphans_.end())
    return orphan_result(orphan, now, report);
  result_effects fx;
  auto it = deliveries_.find(delivery_id);
  if (it == deliveries_.end() || !it->second.in_flight)
    return fx;
  entry& e = it->second;
  e.in_flight = false;
  --in_flight_;
  const bool was_probe = std::exchange(e.probe, false);
  if (was_probe)
    probe_in_flight_ = false;
  const time_point started_at = e.started_at;
  ++e.d.attempts;
  if (e.d.first_attempt_at == no_time)
    e.d.first_attempt_at = started_at;

  attempt_report r = report;
  r.error = effective_error(report);

  fx.known = true;
  fx.started_at = started_at;
  fx.probe = was_probe;
  fx.outcome = policy::classify(r.status, r.error, cfg_.permanent_statuses);
  fx.update = update_for(e, now);
  fx.update.last_status_code = r.status;
  fx.update.last_error = r.error;

  auto remove = [&](delivery_status status, failure_reason reason) {
    fx.update.status = status;
    fx.update.reason = reason;
    fx.update.next_attempt_at = no_time;
    finished_.remember(e.d.id, now);
    last_removed_ = std::move(e.d);
    fx.delivery = &last_removed_;
    deliveries_.erase(it);
  };
  auto disable_now = [&](disabled_reason why) {
    fx.disable = why;
    remove(delivery_status::failed, failure_reason::endpoint_disabled);
    disable();
  };

  switch (fx.outcome) {
    case attempt_outcome::success:
      fx.breaker = breaker_.on_success();
      if (failure_clock_.on_success())
        fx.failing_since_changed = no_time;
      remove(delivery_status::delivered, failure_reason::none);
      return fx;
    case attempt_outcome::permanent:
      disable_now(disabled_reason::gone);
      return fx;
    case attempt_outcome::failure:
      break;
  }
  // hookd's own trouble (out of descriptors, no destination) is retried, but not held against
  // the endpoint: neither the breaker nor the 24-hour clock sees it.
  if (policy::blames_endpoint(r.error)) {
    const duration delay =
        breaker_.failure_schedules_probe(was_probe) ? probe_delay() : duration{0};
    fx.breaker = breaker_.on_failure(now, was_probe, delay);
    if (failure_clock_.on_failure(started_at))
      fx.failing_since_changed = started_at;
    if (failure_clock_.should_disable(now, cfg_.failure_disable_after)) {
      disable_now(disabled_reason::failing);
      return fx;
    }
  }
  fail_retryable(e, now, r, fx);
  if (fx.exhausted)
    remove(delivery_status::failed, failure_reason::exhausted);
  else
    fx.delivery = &e.d;
  return fx;
}

result_effects endpoint_scheduler::orphan_result(
    std::unordered_map<std::int64_t, entry>::iterator orphan, time_point now,
    const attempt_report& r) {
  // The endpoint was disabled while this attempt was out: a success is recorded as one, any
  // other outcome fails the delivery like its siblings. The endpoint's breaker, failure clock
  // and slots are not touched (they may belong to a later enable).
  result_effects fx;
  fx.known = true;
  fx.started_at = orphan->second.started_at;
  last_removed_ = std::move(orphan->second.d);
  orphans_.erase(orphan);
  ++last_removed_.attempts;
  if (last_removed_.first_attempt_at == no_time)
    last_removed_.first_attempt_at = fx.started_at;
  fx.delivery = &last_removed_;
  fx.outcome = policy::classify(r.status, effective_error(r), cfg_.permanent_statuses);
  fx.update.delivery_id = last_removed_.id;
  fx.update.attempts = last_removed_.attempts;
  fx.update.first_attempt_at = last_removed_.first_attempt_at;
  fx.update.next_attempt_at = no_time;
  fx.update.at = now;
  fx.update.last_status_code = r.status;
  fx.update.last_error = effective_error(r);
  const bool delivered = fx.outcome == attempt_outcome::success;
  fx.update.status = delivered ? delivery_status::delivered : delivery_status::failed;
  fx.update.reason = delivered ? failure_reason::none : failure_reason::endpoint_disabled;
  return fx;
}

void endpoint_scheduler::fail_retryable(entry& e, time_point now, const attempt_report& r,
                                        result_effects& fx) {
  std::optional<duration> retry_after;
  if (policy::honours_retry_after(r.status) && !r.retry_after.empty())
    retry_after = policy::parse_retry_after(r.retry_after, now);
  const auto decision = policy::next_retry(cfg_.retry, e.d.first_attempt_at, now, e.d.attempts,
                                           jitter_(), retry_after);
  if (decision.exhausted) {
    fx.exhausted = true;
    return;
  }
  e.d.due = decision.next_at;
  push(e);
  fx.retry_scheduled = true;
  fx.update.next_attempt_at = e.d.due;
}

bool endpoint_scheduler::expedite(std::int64_t delivery_id, time_point now) {
  auto it = deliveries_.find(delivery_id);
  if (it == deliveries_.end() || it->second.in_flight)
    return false;
  it->second.d.due = now;
  push(it->second);
  return true;
}

std::vector<std::int64_t> endpoint_scheduler::disable() {
  disabled_ = true;
  std::vector<std::int64_t> dropped;
  for (auto& [id, e] : deliveries_) {
    if (!e.in_flight) {
      dropped.push_back(id);
      continue;
    }
    e.in_flight = false;
    e.probe = false;
    orphans_.insert_or_assign(id, std::move(e));
  }
  deliveries_.clear();
  queue_ = {};
  in_flight_ = 0;
  probe_in_flight_ = false;
  return dropped;
}

void endpoint_scheduler::forget(std::int64_t delivery_id) {
  orphans_.erase(delivery_id);
}

void endpoint_scheduler::enable(time_point now) {
  disabled_ = false;
  breaker_ = circuit_breaker{cfg_.retry.breaker_threshold};
  bucket_ = policy::token_bucket{cfg_.rate_limit_per_s, 0, now};
  failure_clock_ = policy::failure_clock{};
}

void endpoint_scheduler::reconfigure(int max_concurrency, double rate_limit_per_s, time_point now) {
  cfg_.max_concurrency = max_concurrency;
  if (rate_limit_per_s != cfg_.rate_limit_per_s) {
    cfg_.rate_limit_per_s = rate_limit_per_s;
    bucket_ = policy::token_bucket{rate_limit_per_s, 0, now};
  }
}

const pending_delivery* endpoint_scheduler::find(std::int64_t delivery_id) const {
  auto it = deliveries_.find(delivery_id);
  return it == deliveries_.end() ? nullptr : &it->second.d;
}

} // namespace hookd::delivery

// An endpoint actor's timers, idling and parking (docs/architecture.md, "Life cycle"): it
// quits when it has nothing to do, and parks — quits, leaving its memento with the dispatcher
// (delivery/parked_endpoints.hpp) — when its only work is far away.
#include "actors/endpoint_state.hpp"

#include <algorithm>

namespace hookd::endpoint_impl {
namespace {

/// When the endpoint may park (delivery/parked_endpoints.hpp): nothing in flight or being read,
/// at least one and at most `max_parked_backlog` deliveries pending, none of them due within
/// `margin` of `t`. Returns when the next work is due.
std::optional<time_point> park_until(const endpoint_state& st, time_point t, duration margin) {
  if (st.draining || st.body_request_open || !st.awaiting_body.empty() ||
      st.scheduler->in_flight() > 0 || st.scheduler->size() == 0 ||
      st.scheduler->size() > max_parked_backlog)
    return std::nullopt;
  auto wake = st.scheduler->next_wakeup(t);
  if (!wake || *wake - t < margin)
    return std::nullopt;
  return wake;
}

} // namespace

/// Arms the actor's one timer for its next wakeup, but never more than one idle timeout ahead:
/// a pending CAF timer holds a strong reference to its actor, so a timer an hour out would keep
/// a parked actor's memory for that hour. A timer that fires early finds nothing due and arms
/// the next one.
void arm_timer(endpoint_ptr self, time_point t) {
  auto& st = self->state;
  auto wake = st.scheduler->next_wakeup(t);
  if (!wake)
    return;
  const time_point fire_at = std::min(*wake, t + cfg(self).endpoints.idle_timeout);
  if (st.timer_at != no_time && st.timer_at <= fire_at)
    return;
  st.timer_at = fire_at;
  self->delayed_send(self, std::max(fire_at - t, duration{0}), tick_atom_v, fire_at);
}

/// Arms the idle timer when the actor has nothing to do, or nothing before twice the idle
/// timeout (so that, once parked, it sleeps at least one idle timeout).
void consider_idle(endpoint_ptr self) {
  auto& st = self->state;
  if (st.idle_timer_armed || st.draining)
    return;
  const auto idle_timeout = cfg(self).endpoints.idle_timeout;
  if (!st.scheduler->idle() && !park_until(st, now(self), 2 * idle_timeout))
    return;
  st.idle_timer_armed = true;
  self->delayed_send(self, idle_timeout, idle_atom_v);
}

/// The idle timer fired: ask the dispatcher to let this actor quit (nothing pending) or park
/// (its next work at least an idle timeout away), or wait for the next chance.
void ask_to_idle(endpoint_ptr self) {
  auto& st = self->state;
  st.idle_timer_armed = false;
  if (st.draining)
    return;
  // Idle for a whole timeout since the last work, or wait for the rest of it: quitting right
  // after work would only start a new actor for the next job (in cluster mode, reading its
  // backlog again).
  const auto idle_timeout = cfg(self).endpoints.idle_timeout;
  if (const auto t = now(self); st.last_work != no_time && t - st.last_work < idle_timeout) {
    st.idle_timer_armed = true;
    self->delayed_send(self, st.last_work + idle_timeout - t, idle_atom_v);
    return;
  }
  if (st.scheduler->idle()) {
    self->send(st.deps.dispatcher, endpoint_idle{st.settings.id, st.received, no_time, {}});
    return;
  }
  if (auto wake = park_until(st, now(self), idle_timeout)) {
    delivery::endpoint_memento memento{st.scheduler->breaker().save(), st.exhausted_episode};
    self->send(st.deps.dispatcher, endpoint_idle{st.settings.id, st.received, *wake, memento});
  }
}

} // namespace hookd::endpoint_impl

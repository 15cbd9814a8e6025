// Parked endpoints (delivery/parked_endpoints.hpp): an endpoint actor whose only work is due
// far ahead quits, and the dispatcher spawns it again at that time, or earlier when work
// arrives (actor_for). One timer serves every parked endpoint: it is armed for the earliest
// wake time only.
#include "actors/dispatcher_state.hpp"

namespace hookd::dispatch {
namespace {

void arm_wake_timer(dispatcher_ptr self) {
  auto& st = self->state;
  auto wake = st.parked.next_wake();
  if (!wake || (st.wake_timer_at != no_time && st.wake_timer_at <= *wake))
    return;
  st.wake_timer_at = *wake;
  self->delayed_send(self, std::max(*wake - now(self), duration{0}), tick_atom_v, *wake);
}

} // namespace

void park(dispatcher_ptr self, const endpoint_idle& idle) {
  auto& st = self->state;
  if (st.shutting_down) // the next start recovers its deliveries from the store
    return;
  st.parked.park(idle.endpoint_id, idle.wake_at, idle.memento);
  arm_wake_timer(self);
}

void wake_parked(dispatcher_ptr self, time_point armed_for) {
  auto& st = self->state;
  if (st.wake_timer_at == armed_for)
    st.wake_timer_at = no_time;
  if (st.shutting_down)
    return;
  for (auto& [id, memento] : st.parked.take_due(now(self))) {
    const auto* ep = st.registry.find(id);
    if (ep != nullptr && !st.live.contains(id) && st.owned.owns(id))
      spawn_for(self, *ep, true, memento);
  }
  arm_wake_timer(self);
}

} // namespace hookd::dispatch

#include "actors/body_cache.hpp"

#include <utility>

namespace hookd {

payload body_cache::body_of(std::int64_t delivery_id) const {
  auto it = bodies_.find(delivery_id);
  return it == bodies_.end() ? payload{} : it->second;
}

void body_cache::offer(std::int64_t delivery_id, payload body, bool breaker_closed) {
  if (room_for_body(breaker_closed, 0))
    bodies_.emplace(delivery_id, std::move(body));
}

void body_cache::put(std::int64_t delivery_id, payload body) {
  bodies_[delivery_id] = std::move(body);
}

void body_cache::after_result(std::int64_t delivery_id, const delivery::result_effects& fx,
                              time_point now, bool breaker_closed) {
  const bool keep_body = fx.retry_scheduled && fx.update.next_attempt_at - now <= body_keep &&
                         room_for_body(breaker_closed, 1);
  if (!keep_body)
    bodies_.erase(delivery_id);
  if (fx.breaker == policy::circuit_breaker::transition::opened)
    release_bodies();
}

bool body_cache::room_for_body(bool breaker_closed, std::size_t own) const {
  return breaker_closed || bodies_.size() < bodies_kept + own;
}

void body_cache::release_bodies() {
  while (bodies_.size() > bodies_kept)
    bodies_.erase(bodies_.begin());
}

} // namespace hookd

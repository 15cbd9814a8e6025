#pragma once
// The payload bodies an endpoint actor holds in memory for its pending deliveries, by delivery
// id (plain C++: the actor passes in what its scheduler knows).
//
// A body is held only while an attempt is near: after a result whose retry is more than
// `body_keep` away it is dropped, and the actor reads it from the store when the attempt starts.
// While the endpoint's breaker is open, at most `bodies_kept` are held.
#include "delivery/endpoint_scheduler.hpp"
#include "messages/payload.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace hookd {

/// Bodies of deliveries whose next attempt is further away than this are released.
inline constexpr duration body_keep = std::chrono::seconds{30};
/// While the endpoint's breaker is open (it keeps failing), at most this many bodies are held
/// for it (those beyond are released when it opens): its backlog keeps only ids and due times
/// in memory, and an attempt whose body was not kept reads it from the store, in batches, when
/// it starts. A healthy endpoint keeps the bodies of its queue (a slow or rate-limited one
/// too), so its attempts never wait for a read.
inline constexpr std::size_t bodies_kept = 16;

class body_cache {
public:
  bool holds(std::int64_t delivery_id) const { return bodies_.contains(delivery_id); }

  /// The body held for the delivery; an empty payload when none is.
  payload body_of(std::int64_t delivery_id) const;

  /// A new delivery's body: held when there is room (any number while the breaker is closed,
  /// else fewer than bodies_kept). A body already held for the id stays as it is.
  void offer(std::int64_t delivery_id, payload body, bool breaker_closed);

  /// A body read from the store for an attempt that starts now: held, room or not.
  void put(std::int64_t delivery_id, payload body);

  /// After the scheduler applied the delivery's attempt result at `now` (`breaker_closed`: its
  /// breaker afterwards): the body stays only when a retry is scheduled within body_keep and there
  /// is room, counting itself; when the breaker just opened, bodies beyond bodies_kept go.
  void after_result(std::int64_t delivery_id, const delivery::result_effects& fx, time_point now,
                    bool breaker_closed);

  void drop(std::int64_t delivery_id) { bodies_.erase(delivery_id); }
  /// The endpoint was disabled: no attempt will need a body.
  void clear() { bodies_.clear(); }
  std::size_t size() const { return bodies_.size(); }

private:
  /// Whether a body may be held, `own` of those held being the one in question already.
  bool room_for_body(bool breaker_closed, std::size_t own) const;
  /// The breaker just opened: the backlog will wait, so keep only bodies_kept of its bodies (any
  /// of them: a body that is not held is read from the store when its attempt starts).
  void release_bodies();

  std::unordered_map<std::int64_t, payload> bodies_; ///< by delivery id
};

} // namespace hookd

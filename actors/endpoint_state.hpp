#pragma once
// The endpoint actor's state and the helpers its parts share (private to
// actors/endpoint_actor.cpp and actors/endpoint_idling.cpp), as actors/dispatcher_state.hpp
// is for the dispatcher.
#include "actors/body_cache.hpp"
#include "actors/endpoint_actor.hpp"
#include "actors/guarded_promise.hpp"
#include "delivery/endpoint_scheduler.hpp"
#include "logging/logger.hpp"

#include <caf/all.hpp>

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

namespace hookd::endpoint_impl {

struct endpoint_state {
  static inline const char* name = "hookd.endpoint";

  endpoint_deps deps;
  store::endpoint_record settings;
  std::optional<delivery::endpoint_scheduler> scheduler;
  body_cache bodies;
  std::vector<std::int64_t> awaiting_body; ///< started, body being fetched
  bool body_request_open = false;
  time_point timer_at = no_time; ///< the earliest armed tick
  bool idle_timer_armed = false;
  std::uint64_t received = 0;                    ///< deliver_jobs processed (idle handshake)
  time_point last_work = no_time; ///< the last job received or attempt ended (idle timeout)
  bool exhausted_episode = false; ///< a delivery_exhausted alert was raised; reset by a success
  /// Shutdown: answered when nothing is in flight, or at the drain deadline.
  std::optional<guarded_promise<caf::ok_atom>> draining;
  /// Cluster mode: the lease deadline held attempts back (logged once per episode).
  bool lease_warned = false;
  /// Jitter for retry delays. A small engine on purpose: this state exists once per endpoint
  /// with work, and std::mt19937_64 alone would be 2.5 KiB of it.
  std::minstd_rand rng{std::random_device{}()};
  std::shared_ptr<spdlog::logger> log = logging::get("engine");
};

using endpoint_ptr = endpoint_actor::stateful_pointer<endpoint_state>;

inline time_point now(endpoint_ptr self) {
  return self->state.deps.ctx->clock.now(self->clock());
}
inline const config::config& cfg(endpoint_ptr self) {
  return *self->state.deps.ctx->cfg;
}

/// Cluster mode: how often an actor whose partition's lease deadline passed looks again.
inline constexpr duration lease_recheck = std::chrono::milliseconds{250};

// Timers, idling and parking (actors/endpoint_idling.cpp).

/// Arms the actor's one timer for its next wakeup, at most one idle timeout ahead.
void arm_timer(endpoint_ptr self, time_point t);

/// Arms the idle timer when the actor has nothing to do, or nothing due within two idle
/// timeouts (it may park then).
void consider_idle(endpoint_ptr self);

/// The idle timer fired: asks the dispatcher to let the actor quit or park.
void ask_to_idle(endpoint_ptr self);

} // namespace hookd::endpoint_impl

#pragma once
// An endpoint's state that outlives its actor while it is parked (delivery/parked_endpoints.hpp).
#include "policy/circuit_breaker.hpp"

namespace hookd::delivery {

/// What an endpoint's actor holds that the store does not, handed to the dispatcher when it
/// parks and back to the actor spawned for it. Everything else — the pending deliveries with
/// their due times and attempt counts, the 24-hour clock (`failing_since`), the settings — is
/// in the store and the registry. The rate limiter is not kept: after a quiet spell at least
/// `endpoints.idle_timeout` long it starts full, as it would have refilled.
struct endpoint_memento {
  policy::circuit_breaker::snapshot breaker;
  bool exhausted_episode = false; ///< a delivery_exhausted alert was raised since the last success
};

} // namespace hookd::delivery

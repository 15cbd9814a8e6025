#pragma once
// Messages about endpoints' and actors' life cycles: idling, crashing, being disabled, alerts.
#include "delivery/endpoint_memento.hpp"
#include "messages/inspect.hpp"
#include "policy/outcome.hpp"
#include "policy/time.hpp"

#include <cstdint>
#include <string>

namespace hookd::policy {
HOOKD_INSPECT(circuit_breaker::snapshot, x.failures, x.open, x.next_probe_at)
}
namespace hookd::delivery {
HOOKD_INSPECT(endpoint_memento, x.breaker, x.exhausted_episode)
}

namespace hookd {

/// Endpoint actor → dispatcher: "I have had no work for a while; may I quit?" `received` is
/// how many deliver_jobs messages it has processed; the dispatcher agrees (stop_atom) only if
/// it has sent no more than that, so no delivery is ever sent to an actor that is quitting.
/// With `wake_at` set the actor still has pending work, none of it due before then: it asks to
/// park (delivery/parked_endpoints.hpp), handing over `memento`.
struct endpoint_idle {
  std::string endpoint_id;
  std::uint64_t received = 0;
  time_point wake_at = no_time;
  delivery::endpoint_memento memento;
};

/// Dispatcher → supervisor: monitor this endpoint actor and re-create it if it crashes.
struct watch_endpoint {
  std::string endpoint_id;
  caf::actor actor;
};

/// Supervisor → dispatcher: the endpoint's actor died abnormally; re-create it from the store.
struct endpoint_crashed {
  std::string endpoint_id;
  caf::actor_addr actor;
};

/// Endpoint actor → supervisor: the endpoint must be disabled (it already stopped sending).
struct disable_endpoint {
  std::string endpoint_id;
  disabled_reason reason = disabled_reason::none;
  std::string message_id; ///< the message whose attempt decided it
  std::string detail;     ///< e.g. "HTTP 410"
};

/// Supervisor / operator → dispatcher → endpoint actor: the endpoint's status changed.
struct endpoint_status_changed {
  std::string endpoint_id;
  endpoint_status status = endpoint_status::enabled;
  disabled_reason reason = disabled_reason::none;
};

/// Anyone → supervisor: something operators must hear about (docs/operations.md kinds).
struct alert_event {
  std::string kind; ///< endpoint_disabled, delivery_exhausted, high_retry_rate, store_error, ...
  std::string endpoint_id;
  std::string message_id;
  std::string text;
  time_point at = no_time;
};

/// The most recent alerts, newest first → std::vector<alert_event>.
struct alerts_query {
  std::size_t limit = 100;
};

HOOKD_INSPECT(alerts_query, x.limit)

HOOKD_INSPECT(endpoint_idle, x.endpoint_id, x.received, x.wake_at, x.memento)

HOOKD_INSPECT(watch_endpoint, x.endpoint_id, x.actor)

HOOKD_INSPECT(endpoint_crashed, x.endpoint_id, x.actor)

HOOKD_INSPECT(disable_endpoint, x.endpoint_id, x.reason, x.message_id, x.detail)

HOOKD_INSPECT(endpoint_status_changed, x.endpoint_id, x.status, x.reason)

HOOKD_INSPECT(alert_event, x.kind, x.endpoint_id, x.message_id, x.text, x.at)

} // namespace hookd

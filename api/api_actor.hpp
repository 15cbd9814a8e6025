#pragma once
// The API actors: each takes http_call messages and runs the route's handler, which asks the
// engine's actors and responds when their answers arrive (private to api/).
#include "api/api_service.hpp"
#include "api/http_call.hpp"
#include "api/requests.hpp"
#include "policy/ids.hpp"

#include <caf/all.hpp>

namespace hookd::api {

struct api_actor_state {
  static inline const char* name = "hookd.api";
  api_deps deps;
  policy::id_generator ids; ///< ids of applications (the dispatcher assigns the others)
};

using api_actor_ptr = caf::stateful_actor<api_actor_state>*;

caf::behavior api_actor(api_actor_ptr self, api_deps deps);

inline time_point now(api_actor_ptr self) { return self->state.deps.ctx->clock.now(self->clock()); }

/// Handlers share the call (lambdas waiting for replies keep it alive without copying bodies).
using call_ptr = std::shared_ptr<const http_call>;

/// A parse that failed: its error answered. True when there was one.
template <class T>
bool failed(const call_ptr& call, parsed<T>& p) {
  if (auto* e = std::get_if<api_error>(&p)) {
    respond_error(*call, *e);
    return true;
  }
  return false;
}

/// Routes under /v1/endpoints (api/endpoint_routes.cpp).
void handle_endpoint_route(api_actor_ptr self, const call_ptr& call);
/// Routes under /v1/messages (api/message_routes.cpp).
void handle_message_route(api_actor_ptr self, const call_ptr& call);
/// POST /v1/messages/batch (api/message_batch.cpp).
void create_message_batch(api_actor_ptr self, const call_ptr& call);
/// /v1/stats, /v1/alerts, /v1/cluster and /metrics (api/monitoring_routes.cpp).
void handle_monitoring_route(api_actor_ptr self, const call_ptr& call);
/// GET /v1/applications and /v1/applications/{id} (api/application_routes.cpp).
void handle_application_route(api_actor_ptr self, const call_ptr& call);
/// GET /v1/messages (api/message_list.cpp).
void list_messages(api_actor_ptr self, const call_ptr& call);
/// /v1/sources (api/source_routes.cpp).
void handle_source_route(api_actor_ptr self, const call_ptr& call);
/// POST /in/{source}: a sender's webhook (api/inbound_route.cpp).
void receive_inbound(api_actor_ptr self, const call_ptr& call);
/// Everything under /api/v1: the Svix-compatible API (api/svix/svix_routes.cpp).
void handle_svix_route(api_actor_ptr self, const call_ptr& call);

} // namespace hookd::api

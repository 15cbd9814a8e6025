#pragma once
// The API's routes (docs/api.md) and the pure matching of (method, path) to one of them.
#include "api/api_error.hpp"

#include <map>
#include <vector>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace hookd::api {

enum class route {
  create_endpoint,  ///< POST   /v1/endpoints
  list_endpoints,   ///< GET    /v1/endpoints
  get_endpoint,     ///< GET    /v1/endpoints/{id}
  patch_endpoint,   ///< PATCH  /v1/endpoints/{id}
  delete_endpoint,  ///< DELETE /v1/endpoints/{id}
  enable_endpoint,  ///< POST   /v1/endpoints/{id}/enable
  disable_endpoint, ///< POST   /v1/endpoints/{id}/disable
  recover_endpoint, ///< POST   /v1/endpoints/{id}/recover
  rotate_secret,    ///< POST   /v1/endpoints/{id}/secret/rotate
  get_secret,       ///< GET    /v1/endpoints/{id}/secret
  create_message,   ///< POST   /v1/messages
  create_message_batch, ///< POST /v1/messages/batch
  get_message,      ///< GET    /v1/messages/{id}
  list_attempts,    ///< GET    /v1/messages/{id}/attempts
  retry_message,    ///< POST   /v1/messages/{id}/retry
  stats,            ///< GET    /v1/stats
  alerts,           ///< GET    /v1/alerts
  cluster,          ///< GET    /v1/cluster
  metrics,          ///< GET    /metrics
  dashboard,        ///< GET    /
  healthz,          ///< GET    /healthz
  readyz,           ///< GET    /readyz
  list_applications, ///< GET   /v1/applications
  get_application,   ///< GET   /v1/applications/{id}
  list_messages,     ///< GET   /v1/messages
  create_source,        ///< POST   /v1/sources
  list_sources,         ///< GET    /v1/sources
  get_source,           ///< GET    /v1/sources/{id}
  patch_source,         ///< PATCH  /v1/sources/{id}
  delete_source,        ///< DELETE /v1/sources/{id}
  get_source_secret,    ///< GET    /v1/sources/{id}/secret
  rotate_source_secret, ///< POST   /v1/sources/{id}/secret/rotate
  inbound,              ///< POST   /in/{source}: a sender's webhook (no API token; its signature)

  // The Svix-compatible API (docs/svix.md), under /api/v1: {app} is an application's id or
  // uid, {ep} an endpoint's id or uid, {msg} a message's id or event id.
  svix_list_applications,   ///< GET    /api/v1/app
  svix_create_application,  ///< POST   /api/v1/app
  svix_get_application,     ///< GET    /api/v1/app/{app}
  svix_update_application,  ///< PUT    /api/v1/app/{app}
  svix_patch_application,   ///< PATCH  /api/v1/app/{app}
  svix_delete_application,  ///< DELETE /api/v1/app/{app}
  svix_list_endpoints,      ///< GET    /api/v1/app/{app}/endpoint
  svix_create_endpoint,     ///< POST   /api/v1/app/{app}/endpoint
  svix_get_endpoint,        ///< GET    /api/v1/app/{app}/endpoint/{ep}
  svix_update_endpoint,     ///< PUT    /api/v1/app/{app}/endpoint/{ep}
  svix_patch_endpoint,      ///< PATCH  /api/v1/app/{app}/endpoint/{ep}
  svix_delete_endpoint,     ///< DELETE /api/v1/app/{app}/endpoint/{ep}
  svix_get_endpoint_secret, ///< GET    /api/v1/app/{app}/endpoint/{ep}/secret
  svix_rotate_endpoint_secret, ///< POST /api/v1/app/{app}/endpoint/{ep}/secret/rotate
  svix_recover_endpoint,    ///< POST   /api/v1/app/{app}/endpoint/{ep}/recover
  svix_get_endpoint_headers,   ///< GET  /api/v1/app/{app}/endpoint/{ep}/headers
  svix_update_endpoint_headers, ///< PUT /api/v1/app/{app}/endpoint/{ep}/headers
  svix_patch_endpoint_headers,  ///< PATCH /api/v1/app/{app}/endpoint/{ep}/headers
  svix_list_messages,       ///< GET    /api/v1/app/{app}/msg
  svix_create_message,      ///< POST   /api/v1/app/{app}/msg
  svix_get_message,         ///< GET    /api/v1/app/{app}/msg/{msg}
  svix_list_attempts_by_message,  ///< GET /api/v1/app/{app}/attempt/msg/{msg}
  svix_list_attempts_by_endpoint, ///< GET /api/v1/app/{app}/attempt/endpoint/{ep}
  svix_list_message_attempts,     ///< GET /api/v1/app/{app}/msg/{msg}/attempt (deprecated form)
  svix_get_attempt,         ///< GET    /api/v1/app/{app}/msg/{msg}/attempt/{attempt}
  svix_resend,              ///< POST   /api/v1/app/{app}/msg/{msg}/endpoint/{ep}/resend
  svix_list_event_types,    ///< GET    /api/v1/event-type
  svix_create_event_type,   ///< POST   /api/v1/event-type
  svix_get_event_type,      ///< GET    /api/v1/event-type/{name}
};

/// Which API a route belongs to: its error shape and field names differ.
enum class api_dialect { native, svix };

/// One route's method and path template ("{...}" marks a parameter), for docs and tests.
struct route_info {
  route id;
  std::string_view method;
  std::string_view path;
  bool needs_auth;
};

/// Every route, in the order of docs/api.md.
const std::vector<route_info>& all_routes();

struct route_match {
  route id;
  std::string param;                        ///< the first {...} segment, if the route has one
  std::map<std::string, std::string> query; ///< decoded query parameters
  bool needs_auth = true;
  std::vector<std::string> params; ///< every {...} segment, in path order (param is the first)
  api_dialect dialect = api_dialect::native;
};

/// The dialect of a request target: svix under /api/, else native.
api_dialect dialect_of(std::string_view target);

/// Matches a request; an unknown path is 404 (not_found), a known path with another method
/// 405 (method_not_allowed), a malformed query 400.
std::variant<route_match, api_error> match_route(std::string_view method, std::string_view target);

} // namespace hookd::api

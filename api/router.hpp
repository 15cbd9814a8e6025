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
};

/// One route's method and path template ("{id}" marks the parameter), for docs and tests.
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
  std::string param;                        ///< the {id} segment, if the route has one
  std::map<std::string, std::string> query; ///< decoded query parameters
  bool needs_auth = true;
};

/// Matches a request; an unknown path is 404 (not_found), a known path with another method
/// 405 (method_not_allowed), a malformed query 400.
std::variant<route_match, api_error> match_route(std::string_view method, std::string_view target);

} // namespace hookd::api

// /api/v1: the Svix-compatible API (docs/svix.md), routed to its resources' handlers.
#include "api/cursor.hpp"
#include "api/svix/svix_handlers.hpp"

namespace hookd::api {

namespace svix {

std::optional<std::pair<list_query, std::int64_t>> seq_list_query(const call_ptr& call) {
  auto q = parse_list_query(call->route.query);
  if (failed(call, q))
    return std::nullopt;
  auto& query = std::get<list_query>(q);
  if (query.iterator.empty())
    return std::pair{std::move(query), std::int64_t{0}};
  if (auto seq = decode_seq_cursor(query.iterator))
    return std::pair{std::move(query), *seq};
  respond_error(*call, api_error::invalid_at({"query", "iterator"},
                                             "iterator: not one this API returned"));
  return std::nullopt;
}

} // namespace svix

void handle_svix_route(api_actor_ptr self, const call_ptr& call) {
  switch (call->route.id) {
    case route::svix_list_applications:
    case route::svix_create_application:
    case route::svix_get_application:
    case route::svix_update_application:
    case route::svix_patch_application:
    case route::svix_delete_application:
      return svix::handle_application(self, call);
    case route::svix_list_endpoints:
    case route::svix_create_endpoint:
    case route::svix_get_endpoint:
    case route::svix_update_endpoint:
    case route::svix_patch_endpoint:
    case route::svix_delete_endpoint:
    case route::svix_get_endpoint_secret:
    case route::svix_rotate_endpoint_secret:
    case route::svix_recover_endpoint:
    case route::svix_get_endpoint_headers:
    case route::svix_update_endpoint_headers:
    case route::svix_patch_endpoint_headers:
      return svix::handle_endpoint(self, call);
    case route::svix_list_messages:
    case route::svix_create_message:
    case route::svix_get_message:
      return svix::handle_message(self, call);
    case route::svix_list_attempts_by_message:
    case route::svix_list_attempts_by_endpoint:
    case route::svix_list_message_attempts:
    case route::svix_get_attempt:
    case route::svix_resend:
      return svix::handle_attempt(self, call);
    case route::svix_list_event_types:
    case route::svix_create_event_type:
    case route::svix_get_event_type:
      return svix::handle_event_type(self, call);
    default:
      return respond_error(*call, api_error::internal("not a route of the Svix API"));
  }
}

} // namespace hookd::api

#include "api/api_service.hpp"

#include "api/api_actor.hpp"
#include "api/auth.hpp"
#include "api/dashboard.hpp"

namespace hookd::api {

caf::behavior api_actor(api_actor_ptr self, api_deps deps) {
  self->state.deps = std::move(deps);
  return {
      [=](http_call& call) {
        auto shared = std::make_shared<const http_call>(std::move(call));
        if (shared->route.dialect == api_dialect::svix)
          return handle_svix_route(self, shared);
        switch (shared->route.id) {
          case route::create_message:
          case route::create_message_batch:
          case route::get_message:
          case route::list_attempts:
          case route::retry_message:
            return handle_message_route(self, shared);
          case route::list_messages:
            return list_messages(self, shared);
          case route::list_applications:
          case route::get_application:
            return handle_application_route(self, shared);
          case route::create_source:
          case route::list_sources:
          case route::get_source:
          case route::patch_source:
          case route::delete_source:
          case route::get_source_secret:
          case route::rotate_source_secret:
            return handle_source_route(self, shared);
          case route::inbound:
            return receive_inbound(self, shared);
          case route::stats:
          case route::alerts:
          case route::cluster:
          case route::metrics:
            return handle_monitoring_route(self, shared);
          default:
            return handle_endpoint_route(self, shared);
        }
      },
  };
}

api_service::api_service(caf::actor_system& sys, api_deps deps, std::size_t actors) : deps_(std::move(deps)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, actors); ++i)
    actors_.push_back(sys.spawn(api_actor, deps_));
}

api_service::~api_service() {
  for (auto& a : actors_)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

std::optional<net::server_response> api_service::check_head(const net::server_request& head) const {
  auto matched = match_route(head.method, head.target);
  const auto* found = std::get_if<route_match>(&matched);
  if (found == nullptr || !found->needs_auth ||
      authorized(head.header("authorization"), deps_.ctx->cfg->server.api_token))
    return std::nullopt; // routing errors are answered by handle, with the body read
  return error_response_for(api_error::unauthorized("missing or wrong bearer token"),
                            dialect_of(head.target));
}

std::size_t api_service::body_limit(const net::server_request& head) const {
  auto matched = match_route(head.method, head.target);
  const auto* found = std::get_if<route_match>(&matched);
  if (found != nullptr && found->id == route::create_message_batch)
    return config::batch_body_limit(deps_.ctx->cfg->server);
  if (found != nullptr && found->id == route::inbound)
    return deps_.ctx->cfg->server.inbound_max_payload_bytes;
  return 0;
}

namespace {

/// Whether the inbound listener serves this request: POST /in/{source} and GET /healthz.
bool inbound_listener_route(const net::server_request& head) {
  auto matched = match_route(head.method, head.target);
  const auto* found = std::get_if<route_match>(&matched);
  return found != nullptr && (found->id == route::inbound || found->id == route::healthz);
}

api_error not_on_inbound_listener() {
  return api_error::not_found("this listener serves only POST /in/{source}");
}

} // namespace

std::optional<net::server_response> api_service::check_inbound_head(const net::server_request& head) const {
  if (!inbound_listener_route(head))
    return error_response_for(not_on_inbound_listener());
  return check_head(head);
}

void api_service::handle_inbound(net::server_request req, net::respond_fn respond) {
  if (!inbound_listener_route(req)) // (a request without a body skips the head check)
    return respond(error_response_for(not_on_inbound_listener()));
  handle(std::move(req), std::move(respond));
}

std::optional<std::string> api_service::error_body(const net::server_request& head,
                                                  std::string_view code, std::string_view message) const {
  if (code == "payload_too_large" && head.target.starts_with("/in/")) {
    auto matched = match_route(head.method, head.target);
    const auto* found = std::get_if<route_match>(&matched);
    if (found != nullptr && found->id == route::inbound)
      deps_.ctx->metrics->inbound.count("unknown", metrics::inbound_result::too_large);
  }
  if (dialect_of(head.target) != api_dialect::svix)
    return std::nullopt;
  return api_error{400, std::string{code}, std::string{message}}.svix_body();
}

namespace {

/// Cluster mode: the database answers heartbeats and takes writes (on one node the store is a
/// local file; its failures show in alerts and metrics, not in readiness).
bool store_reachable(const engine_context& ctx) {
  return ctx.node_id.empty() || (ctx.store_writable->load() && ctx.cluster_in_touch->load());
}

} // namespace

void api_service::handle(net::server_request req, net::respond_fn respond) {
  auto matched = match_route(req.method, req.target);
  http_call call{{}, std::move(req), std::move(respond)};
  call.route.dialect = dialect_of(call.request.target);
  if (auto* e = std::get_if<api_error>(&matched))
    return respond_error(call, *e);
  call.route = std::move(std::get<route_match>(matched));
  switch (call.route.id) {
    case route::healthz:
      return respond_json(call, 200, nlohmann::ordered_json{{"status", "ok"}});
    case route::dashboard:
      return respond_content(call, 200, "text/html; charset=utf-8", std::string{dashboard_html()});
    case route::readyz:
      if (ready_ && !draining_ && !store_reachable(*deps_.ctx))
        return respond_error(call, api_error::unavailable("store_unavailable",
                                                          "the store is unavailable"));
      if (ready_ && !draining_)
        return respond_json(call, 200, nlohmann::ordered_json{{"status", "ready"}});
      return respond_error(call, api_error::unavailable(draining_ ? "shutting_down" : "not_ready",
                                                        draining_ ? "hookd is shutting down"
                                                                  : "hookd is still recovering"));
    default:
      break;
  }
  if (draining_) {
    if (call.route.id == route::inbound)
      deps_.ctx->metrics->inbound.count("unknown", metrics::inbound_result::unavailable);
    return respond_error(call, api_error::unavailable("shutting_down", "hookd is shutting down"));
  }
  // A request with a body had its token checked on the head already (check_head).
  if (call.route.needs_auth && !call.request.head_checked &&
      !authorized(call.request.header("authorization"), deps_.ctx->cfg->server.api_token))
    return respond_error(call, api_error::unauthorized("missing or wrong bearer token"));
  const auto i = next_.fetch_add(1, std::memory_order_relaxed) % actors_.size();
  caf::anon_send(actors_[i], std::move(call));
}

} // namespace hookd::api

#include "app/api_server_options.hpp"

#include "config/listen_address.hpp"

namespace hookd {

net::server_options api_server_options(const config::config& cfg, api::api_service& api,
                                       std::size_t max_connections) {
  net::server_options o;
  if (const auto listen = config::parse_listen_address(cfg.server.listen)) {
    o.host = listen->host;
    o.port = listen->port;
  }
  o.max_body_bytes = cfg.server.max_payload_bytes;
  o.max_connections = max_connections;
  o.idle_timeout = cfg.server.idle_timeout;
  o.max_connection_age = cfg.server.max_connection_age;
  o.max_body_bytes_in_flight = cfg.server.max_body_bytes_in_flight;
  o.head_check = [&api](const net::server_request& head) { return api.check_head(head); };
  o.body_limit = [&api](const net::server_request& head) { return api.body_limit(head); };
  o.error_body = [&api](const net::server_request& head, std::string_view code,
                        std::string_view message) { return api.error_body(head, code, message); };
  return o;
}

std::optional<net::server_options> inbound_server_options(const config::config& cfg,
                                                          api::api_service& api,
                                                          std::size_t max_connections) {
  const auto listen = config::parse_listen_address(cfg.server.inbound_listen);
  if (!listen)
    return std::nullopt;
  auto o = api_server_options(cfg, api, max_connections);
  o.host = listen->host;
  o.port = listen->port;
  o.max_body_bytes = cfg.server.inbound_max_payload_bytes;
  o.header_timeout = cfg.server.inbound_request_timeout;
  o.body_timeout = cfg.server.inbound_request_timeout;
  o.idle_timeout = cfg.server.inbound_idle_timeout;
  o.head_check = [&api](const net::server_request& head) { return api.check_inbound_head(head); };
  return o;
}

} // namespace hookd

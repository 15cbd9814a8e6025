#pragma once
// The HTTP server's options for the API, from the configuration: one place for the daemon
// (app/main.cpp) and the API tests, so both run the server the same way.
#include "api/api_service.hpp"
#include "config/config.hpp"
#include "net/http_server.hpp"

#include <cstddef>
#include <optional>

namespace hookd {

/// Listen address (validated at load), limits, timeouts, and the head check that refuses a
/// request without the bearer token before its body is read. `max_connections` comes from
/// config::api_connection_budget; `api` must outlive the server.
net::server_options api_server_options(const config::config& cfg, api::api_service& api,
                                       std::size_t max_connections);

/// The inbound listener's options (server.inbound_listen; nullopt when it is not set): only
/// POST /in/{source} and GET /healthz (anything else 404 on its head), its own body limit
/// (inbound_max_payload_bytes) and timeouts (inbound_request_timeout, inbound_idle_timeout).
std::optional<net::server_options> inbound_server_options(const config::config& cfg,
                                                          api::api_service& api,
                                                          std::size_t max_connections);

} // namespace hookd

#pragma once
// The HTTP API (docs/api.md) on top of the engine. `handle` is what the HTTP server calls for each
// request, on its io thread: routing, authentication, health and readiness are answered right
// there; everything else goes to one of a few API actors, which talk to the engine's actors by
// messages (never by reaching into their state) and respond when the answer is in.
#include "actors/engine_context.hpp"
#include "actors/interfaces.hpp"
#include "net/http_server.hpp"

#include <caf/actor_system.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

namespace hookd::api {

struct api_deps {
  engine_context_ptr ctx;
  dispatcher_actor dispatcher;
  store_reader_actor reader;
  supervisor_actor supervisor;
  /// Cluster mode's membership (GET /v1/cluster, the cluster metrics); null on one node.
  cluster_membership_actor membership;
  /// Writes of rows the dispatcher does not keep (applications, event types) go here directly;
  /// everything about endpoints and messages goes through the dispatcher.
  store_writer_actor writer;
};

class api_service {
public:
  /// Spawns `actors` API actors (requests are spread over them round-robin).
  api_service(caf::actor_system& sys, api_deps deps, std::size_t actors = 2);
  ~api_service();
  api_service(const api_service&) = delete;
  api_service& operator=(const api_service&) = delete;

  /// Thread-safe. Calls `respond` exactly once.
  void handle(net::server_request req, net::respond_fn respond);

  /// For net::server_options::head_check: a request to a route that needs the bearer token and
  /// lacks it gets its 401 before its body is read.
  std::optional<net::server_response> check_head(const net::server_request& head) const;

  /// For net::server_options::body_limit: POST /v1/messages/batch takes bodies up to
  /// config::batch_body_limit; 0 (the server's max_payload_bytes) for every other request.
  std::size_t body_limit(const net::server_request& head) const;
  /// For net::server_options::error_body: the server's own errors (413, 408, ...) to a request
  /// of the Svix API in that API's shape; nullopt (the native shape) for every other request.
  /// A 413 to POST /in/{source} is counted in hookd_inbound_requests_total (too_large).
  std::optional<std::string> error_body(const net::server_request& head, std::string_view code,
                                        std::string_view message) const;

  /// The inbound listener's handler (server.inbound_listen): POST /in/{source} and GET /healthz
  /// as `handle` answers them; anything else 404.
  void handle_inbound(net::server_request req, net::respond_fn respond);
  /// The inbound listener's head check: a request with a body to any other route is refused
  /// (404) before its body is read.
  std::optional<net::server_response> check_inbound_head(const net::server_request& head) const;

  /// /readyz answers 200 once set (the engine recovered).
  void set_ready(bool ready) { ready_ = ready; }
  /// From now on every request but /healthz gets 503 shutting_down.
  void set_draining(bool draining) { draining_ = draining; }

private:
  api_deps deps_;
  std::vector<caf::actor> actors_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> ready_{false};
  std::atomic<bool> draining_{false};
};

} // namespace hookd::api

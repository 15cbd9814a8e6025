#pragma once
// hookd's configuration (docs/configuration.md): one TOML file, each key overridable by the environment
// variable HOOKD_<SECTION>_<KEY> and by the flag --<section>.<key>, in that order of precedence
// (flag > environment > file > default). Durations are strings with a unit ("250ms", "15s",
// "2m", "10h").
#include "policy/retry_schedule.hpp"
#include "policy/time.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hookd::config {

struct server_section {
  std::string listen = "127.0.0.1:8080";
  std::string api_token;
  std::size_t max_payload_bytes = 1048576;
  /// Messages being stored at once; beyond this POST /v1/messages answers 429.
  std::size_t max_ingest_backlog = 10000;
  /// Open API connections; 0: what the descriptor limit leaves (config/fd_budget.hpp), at most
  /// 10000. At the limit the oldest idle connection makes room, else 503.
  std::size_t max_connections = 0;
  duration idle_timeout = std::chrono::seconds{60}; ///< keep-alive wait for the next request
  /// Keep-alive ends at this age (a connection cannot be kept idle forever by trickling requests).
  duration max_connection_age = std::chrono::minutes{10};
  /// Request bodies being received at once across connections; beyond, 503 with Retry-After.
  std::size_t max_body_bytes_in_flight = std::size_t{64} * 1024 * 1024;
  /// Body of one POST /v1/messages/batch (see batch_body_limit for the limit in force).
  std::size_t max_batch_bytes = std::size_t{4} * 1024 * 1024;
  /// A second listener serving only POST /in/{source} (and /healthz), for exposing inbound
  /// sources alone to the internet (docs/inbound.md); empty: none (/in/ is served on `listen`).
  std::string inbound_listen;
  /// Largest body of a POST /in/{source}, on either listener.
  std::size_t inbound_max_payload_bytes = 1048576;
  /// The inbound listener's time to receive a request's head, and then its body.
  duration inbound_request_timeout = std::chrono::seconds{10};
  /// The inbound listener's keep-alive wait for the next request.
  duration inbound_idle_timeout = std::chrono::seconds{30};
};

/// The body limit of POST /v1/messages/batch: max_batch_bytes, raised to max_payload_bytes (a
/// batch always fits one message of the largest size) and capped by max_body_bytes_in_flight
/// (a larger body could never be received).
inline std::size_t batch_body_limit(const server_section& s) {
  return std::min(std::max(s.max_batch_bytes, s.max_payload_bytes), s.max_body_bytes_in_flight);
}

struct store_section {
  std::string backend = "sqlite"; ///< sqlite (one node, embedded) or postgres (cluster mode)
  std::string path = "./data/hookd.db"; ///< the SQLite file
  std::string url; ///< PostgreSQL: a libpq connection string or postgresql:// URI
  duration retention = std::chrono::hours{72};
};

/// Cluster mode (store.backend = "postgres"): ownership of endpoints by lease.
struct cluster_section {
  std::string node_id; ///< empty: <hostname>-<pid>
  duration heartbeat = std::chrono::seconds{2};  ///< lease renewal period
  duration lease_ttl = std::chrono::seconds{10}; ///< a lease not renewed this long is lost
};

struct endpoints_section {
  std::vector<int> permanent_statuses{404, 410};
  duration failure_disable_after = std::chrono::hours{24};
  bool allow_private_targets = false;
  /// CIDRs ("10.1.0.0/16", "fd00::/8") whose addresses are allowed even when
  /// allow_private_targets is off (policy/address_policy.hpp; docs/security.md).
  std::vector<std::string> allow_cidrs;
  /// How long an endpoint actor with no work stays alive before it quits.
  duration idle_timeout = std::chrono::seconds{60};
};

struct http_section {
  duration connect_timeout = std::chrono::seconds{5};
  duration attempt_timeout = std::chrono::seconds{15};
  int max_in_flight = 1024;
  int io_threads = 1;  ///< network I/O actors, each with its own thread and connection pool
  std::string ca_file; ///< PEM bundle used instead of the system store (tests, private CAs)
};

struct alerts_section {
  std::string alert_url;
  std::string alert_secret;
  double retry_ratio = 0.5;
  int min_attempts = 20;
};

struct log_section {
  std::string level = "info";  ///< trace, debug, info, warn, error, critical, off
  std::string format = "text"; ///< text or json
};

struct config {
  server_section server;
  store_section store;
  cluster_section cluster;
  policy::retry_policy retry; ///< the [retry] section
  endpoints_section endpoints;
  http_section http;
  alerts_section alerts;
  log_section log;
};

} // namespace hookd::config

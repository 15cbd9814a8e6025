#pragma once
// Asynchronous HTTP/1.1 client for webhook attempts (Boost.Beast + OpenSSL).
//
// Promises:
// - `send` never blocks; the callback runs exactly once, on the io_context's thread, with the
//   outcome as a value (no exceptions escape).
// - Keep-alive connections are pooled per origin (scheme, host, port) and reused; a reused
//   connection that turns out to be closed by the peer before any response byte arrived is
//   retried once on a fresh connection.
// - Timeouts: `connect_timeout` covers resolve + connect + TLS handshake; `total_timeout` is a
//   deadline for the whole attempt (including the connect phase).
// - Host names resolve off the io thread on a small pool (`resolver_threads`), one lookup per
//   host at a time: a black-holed name server delays only the attempts to its hosts.
// - At most `max_body_bytes` of the response body are kept; the rest is drained (bounded) or the
//   connection is closed. Redirects are not followed (a 3xx is just a status).
// - HTTPS verifies the peer chain (system store, or `ca_file`) and the host name, sends SNI.
//
// Threading: construct, use and destroy on the io_context's thread (see net/io_worker.hpp for
// the thread that owns one).
#include "net/resolver_pool.hpp"
#include "policy/outcome.hpp"
#include "policy/time.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hookd::net {

struct http_request {
  std::string url; ///< absolute http:// or https:// URL
  std::vector<std::pair<std::string, std::string>> headers;
  std::shared_ptr<const std::string> body; ///< sent as-is; may be null (empty body)
  duration connect_timeout{5000};
  duration total_timeout{15000};
};

struct http_response {
  attempt_error error = attempt_error::none; ///< none when a response was received
  std::string error_detail;                  ///< e.g. "certificate verify failed"
  int status = 0;                            ///< 0 when no response
  std::string body;                          ///< at most max_body_bytes
  std::optional<std::string> retry_after;    ///< raw Retry-After header value, if any
  duration elapsed{0};
};

struct client_options {
  std::string user_agent = "hookd";
  std::string ca_file;                 ///< extra/replacement CA bundle (PEM); empty: system store
  std::size_t max_body_bytes = 4096;   ///< response body kept per attempt
  std::size_t max_drain_bytes = 65536; ///< beyond this the connection is closed, not drained
  /// Idle connections kept per origin. It must cover the attempts in flight to one origin
  /// (many endpoints often share one), or a burst closes what the next burst must reopen;
  /// idle_timeout closes the surplus.
  std::size_t max_idle_per_origin = 1024;
  /// Idle connections kept in all, over every origin: parking one more closes the one parked
  /// longest ago. Each is a descriptor, so hookd sets it to this client's share of
  /// http.max_in_flight, which config/fd_budget.hpp reserves descriptors for.
  std::size_t max_idle_total = 1024;
  duration idle_timeout{30000}; ///< pooled connections idle longer are closed
  /// Called with each resolved address before connecting; returning false refuses it
  /// (attempt_error::forbidden_address). Null: every address allowed.
  std::function<bool(const boost::asio::ip::address&)> address_filter;
  /// Host name lookups running at once for this client, each on its own thread; lookups of
  /// one host are coalesced, so a host whose name server hangs holds one of them, and other
  /// hosts still resolve (net/resolver_pool.hpp).
  std::size_t resolver_threads = 8;
  /// The blocking lookup (tests inject one); null: the system resolver (getaddrinfo).
  resolve_fn resolve;
};

class http_client {
public:
  using callback = std::function<void(http_response)>;

  http_client(boost::asio::io_context& io, client_options opts);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// Starts one request. Must be called on the io_context's thread.
  void send(http_request req, callback done);

  /// Closes idle pooled connections and fails nothing in flight.
  void close_idle();

  /// Number of requests started and not yet completed.
  std::size_t in_flight() const;

  /// Number of connections currently pooled (idle), for tests and metrics.
  std::size_t idle_connections() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace hookd::net

#pragma once
// HTTP/1.1 server for hookd's API (plain HTTP: loopback, or behind a TLS proxy). Beast stays in
// the .cpp files: the API layer sees only the value types below.
//
// Promises:
// - Keep-alive (HTTP/1.1 by default, HTTP/1.0 with "Connection: keep-alive") with sequential
//   requests per connection: the next request is read only after the response was written.
// - The handler runs on an io thread with a complete request. It may answer at once or later
//   from any thread through `respond` (thread-safe, the first call counts, later ones are
//   ignored). A respond after the connection died or the server stopped is harmless. Dropping
//   every copy of `respond` without calling it answers 500 (code "internal_error").
// - Before a body is read, `head_check` may refuse the request (answered, body unread, then
//   closed), and the body must fit in `max_body_bytes_in_flight` with the bodies being read on
//   other connections (else 503 service_unavailable with "Retry-After: 1", then closed).
// - Request bodies are limited while they are read (to `max_body_bytes`, or the route's own
//   `body_limit`): a Content-Length over the limit is
//   answered 413 straight after the header (no body read, no "100 Continue"); a chunked body
//   that grows past it is answered 413 as soon as the chunk that crosses it is announced.
//   "Expect: 100-continue" is honoured otherwise.
// - Server-generated errors carry {"error":{"code":...,"message":...}} (application/json) and
//   close the connection: 400 malformed_request (bad syntax, header over 16 KiB, framing that
//   RFC 9112 refuses: a Transfer-Encoding other than exactly "chunked", TE with Content-Length,
//   several TE fields, TE in HTTP/1.0, differing Content-Lengths), 408
//   request_timeout (header or body incomplete at its deadline), 413 payload_too_large, 503
//   service_unavailable (over `max_connections` with no idle connection to evict).
// - At `max_connections`, a new connection takes the slot of the oldest idle one (waiting for
//   a request's first byte, kept-alive or fresh), which is closed without an answer; only when
//   none is idle is it answered 503.
// - Timeouts: a fresh connection has `header_timeout` from accept to a complete header; a
//   kept-alive one has `idle_timeout` (never past `max_connection_age` from accept: a response
//   sent at that age or later closes the connection) until the next request's first byte, then
//   `header_timeout` for the rest of the header; the body has `body_timeout` from the end of
//   the header; writing a response is bounded by `body_timeout` too. No deadline while the
//   handler works.
// - Every response carries Server, Date, Content-Type (unless empty), Content-Length (not for
//   204/304) and "Connection: close" when the request asked for it, the server is draining, or
//   the server generated the error. The handler's own headers follow; the framing and the
//   server-owned ones (Content-Length, Transfer-Encoding, Connection, Keep-Alive, Content-Type,
//   Server, Date) and any with an invalid name or a CR/LF/NUL in the value are left out. A
//   status outside 200..599 becomes 500. HEAD gets the head only.
// - Closing after a response is graceful: the send side is shut down and unread input drained
//   for up to 2 s / 1 MiB, so the client reads the response instead of a reset.
// - No logging: `start` reports errors as text; everything else is visible to the client.
//
// Threading: `threads` io threads, one io_context each; one acceptor on the first hands
// accepted sockets round-robin to all of them (see http_server.cpp for why); a connection that
// takes an idle one's slot is served on that one's thread. `start`, `stop`
// and the destructor must not be called from a handler (`stop` joins the io threads);
// `stop_accepting`, `port` and `open_connections` may be called from any thread.
#include "policy/time.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hookd::net {

struct server_request {
  std::string method; ///< "GET", "POST", ... as received
  std::string target; ///< path + query as received, e.g. "/v1/endpoints?limit=10"
  std::vector<std::pair<std::string, std::string>> headers; ///< in arrival order, names lower-cased
  std::string body;
  std::string remote; ///< peer address "ip:port" ("[v6]:port")
  /// `head_check` accepted this head before its body was read (the handler need not repeat it).
  bool head_checked = false;

  /// Value of the first header called `lowercase_name`; "" when absent.
  std::string_view header(std::string_view lowercase_name) const;
};

struct server_response {
  int status = 200;
  std::string content_type = "application/json"; ///< empty: no Content-Type header
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// Thread-safe; call exactly once (later calls are ignored), from any thread.
using respond_fn = std::function<void(server_response)>;
using handler_fn = std::function<void(server_request, respond_fn)>;
/// Judges a request on its head (body still empty) before its body is read: a response refuses
/// it (e.g. 401 for a missing token) and is sent without reading the body, then the connection
/// closes; nullopt lets the body be read. Runs on an io thread; must not block.
using head_check_fn = std::function<std::optional<server_response>(const server_request&)>;

struct server_options {
  std::string host = "127.0.0.1"; ///< IP address (or a name resolved once at start)
  std::uint16_t port = 8080;      ///< 0 = ephemeral (see http_server::port)
  std::size_t max_body_bytes = 1048576;
  int threads = 1;                                   ///< io threads (values < 1 mean 1)
  duration header_timeout{std::chrono::seconds{10}}; ///< to receive a request's header
  duration body_timeout{std::chrono::seconds{30}}; ///< to receive its body (and to send a response)
  duration idle_timeout{std::chrono::seconds{60}}; ///< keep-alive idle between requests
  std::size_t max_connections = 10000;             ///< beyond: evict the oldest idle, else 503
  /// Keep-alive ends at this age: idle waits stop there, later responses close the connection.
  duration max_connection_age{std::chrono::minutes{10}};
  std::string server_header = "hookd"; ///< empty: no Server header
  /// Request body bytes being received at once across all connections: a request whose body
  /// would exceed it is answered 503 with Retry-After before its body is read. A chunked body
  /// counts as max_body_bytes (its size is unknown) until it is complete.
  std::size_t max_body_bytes_in_flight = std::size_t{64} * 1024 * 1024;
  head_check_fn head_check; ///< null: every head is accepted
  /// The body limit of one request, judged on its head (e.g. a batch route takes larger
  /// bodies): it replaces max_body_bytes for that request (413, in-flight reservation of a
  /// chunked body). Null, or 0 returned: max_body_bytes. Runs on an io thread; must not block.
  std::function<std::size_t(const server_request& head)> body_limit;
  /// The body of an error the server answers itself (400, 408, 413, 503) to a request whose
  /// head it has read, in the shape the handler uses for that request (e.g. a second API
  /// dialect under another path). Null, or nullopt returned: net/error_body.hpp's shape. Runs
  /// on an io thread; must not block.
  std::function<std::optional<std::string>(const server_request& head, std::string_view code,
                                           std::string_view message)>
      error_body;
};

class http_server {
public:
  http_server(server_options opts, handler_fn handler);
  ~http_server(); ///< stop()
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds, listens and spawns the io threads. Returns the error text on failure (e.g.
  /// "127.0.0.1:8080: address in use"), after which the server holds no socket and no thread.
  /// Starting twice is an error; a stopped server does not start again.
  std::optional<std::string> start();
  /// The bound port (the ephemeral one when options asked for 0); 0 before start.
  std::uint16_t port() const;
  /// Closes the acceptor (new connections are refused once this returns); idle keep-alive
  /// connections close now, the others finish their current request, answer it with
  /// "Connection: close" and close. Idempotent; a no-op unless running.
  void stop_accepting();
  /// Closes every socket and joins the io threads; responses not yet sent are dropped and
  /// later responds are ignored. Idempotent.
  void stop();
  /// Connections currently open (not counting the ones refused with 503).
  std::size_t open_connections() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace hookd::net

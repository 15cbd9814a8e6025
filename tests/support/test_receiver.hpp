#pragma once
// An in-process HTTP/1.1 webhook receiver for tests (Boost.Beast), scripted per request.
//
// Promises:
// - Listens on 127.0.0.1 on an ephemeral port from construction until `stop()` or destruction,
//   on its own io thread; plain HTTP, or HTTPS when given a tls_identity.
// - Keep-alive: a connection serves requests until the client or a reply closes it.
// - Every complete request is recorded (method, target, headers in arrival order, body,
//   arrival time, connection id, SNI) *before* the handler runs, then the handler's `reply`
//   decides: answer (status, headers, body, optional delay, chunked or not, then keep / close /
//   drop / hold the connection), hang (never answer), close without answering, or write raw
//   bytes. No handler: 200 "ok".
// - Accessors are thread-safe; `wait_for_*` block on a condition variable (no polling).
// - `stop()` (also run by the destructor) closes the listener and every connection, hanging
//   ones included, and joins the io thread. Records stay readable afterwards.
// The handler runs on the receiver's io thread; it must not block for long.
#include "tests/support/tls_identity.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hookd::testing {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct received_request {
  std::string method;
  std::string target;
  header_list headers; ///< in arrival order, names as sent
  std::string body;
  std::chrono::steady_clock::time_point arrival;
  std::uint64_t connection_id = 0; ///< 1, 2, ... in accept order
  std::string tls_server_name;     ///< SNI sent by the client (TLS mode only)

  /// Value of the first header called `name` (any case).
  std::optional<std::string> header(std::string_view name) const;
};

/// What the receiver does with one request.
struct reply {
  enum class kind : std::uint8_t {
    respond, ///< write a response
    hang,    ///< never answer; keep the connection until the client closes it or stop()
    close,   ///< close the connection without answering
    raw,     ///< write `body` as-is (no HTTP framing added)
  };
  /// What happens to the connection after the response (or raw bytes) went out.
  enum class then : std::uint8_t {
    keep_alive, ///< read the next request, if the request asked for keep-alive
    close,      ///< announce "Connection: close", then close
    drop,       ///< close without announcing it (a server-side idle close)
    hold,       ///< keep the connection open, never read or answer again
  };

  kind what = kind::respond;
  int status = 200;
  header_list headers;
  std::string body;
  std::chrono::milliseconds delay{0}; ///< before answering (or closing, for kind::close)
  bool chunked = false;
  then after = then::keep_alive;

  static reply ok(std::string body = "ok");
  static reply with_status(int status, std::string body = {});
  static reply hang();
  static reply close_connection();
  /// Raw bytes, then the connection is closed (change with `then_*`).
  static reply raw(std::string bytes);

  reply& with_header(std::string name, std::string value);
  reply& with_delay(std::chrono::milliseconds d);
  reply& as_chunked();
  reply& then_keep_alive();
  reply& then_close();
  reply& then_drop();
  reply& then_hold();
};

class test_receiver {
public:
  using handler = std::function<reply(const received_request&)>;

  /// Starts listening. Throws std::runtime_error when the TLS files cannot be loaded.
  explicit test_receiver(handler h = {}, std::optional<tls_identity> tls = std::nullopt);
  ~test_receiver();
  test_receiver(const test_receiver&) = delete;
  test_receiver& operator=(const test_receiver&) = delete;

  /// Replaces the handler for requests that arrive from now on. Thread-safe.
  void set_handler(handler h);

  std::uint16_t port() const;
  bool is_tls() const;
  /// "http://127.0.0.1:<port><path>" ("https://..." in TLS mode).
  std::string url(std::string_view path = "/") const;
  /// Same with another host name, e.g. "localhost" (for TLS name checks).
  std::string url_for(std::string_view host, std::string_view path = "/") const;

  std::vector<received_request> requests() const;
  std::size_t count() const;
  std::size_t connections_accepted() const;
  /// Connections that ended (closed by either side, or failed), not counting stop().
  std::size_t connections_closed() const;

  /// True once at least `n` requests arrived; false after `timeout`.
  bool wait_for_count(std::size_t n,
                      std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  bool wait_for_connections(std::size_t n,
                            std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  bool wait_for_closed(std::size_t n,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

  /// Closes everything and joins the io thread. Idempotent.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// A 127.0.0.1 port that was just bound and released: connecting to it is refused (unless
/// something else grabs it in between, which is unlikely on a test machine).
std::uint16_t closed_port();

} // namespace hookd::testing

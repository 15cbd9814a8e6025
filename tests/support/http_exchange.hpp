#pragma once
// A small blocking HTTP/1.1 client for tests that talk to hookd's API (in process or the real
// daemon) on 127.0.0.1. Every call has a time limit; "no answer" (refused, reset, closed,
// timed out, not HTTP) is a value, not an exception, so tests can count such outcomes.
//
// - http_exchange(method, url, headers, body): one request on a fresh connection.
// - http_connection: keep-alive; each exchange reconnects first when the previous one left no
//   open connection. `exchange_raw` writes bytes as given (malformed HTTP, oversized bodies,
//   pipelining) and reads one response.
// Requests get Host and Content-Length (for a body, or any POST/PUT/PATCH) unless the caller's
// headers set them; nothing else is added.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hookd::testing {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct http_response {
  int status = 0;      ///< 0: no answer (see `error`)
  header_list headers; ///< names as sent
  std::string body;
  bool keep_alive = false; ///< what the response's framing says
  bool sent = false;       ///< the request was written completely (false: connect/write failed)
  std::string error;       ///< why there is no answer; "" when there is one

  bool answered() const { return status != 0; }
  /// Value of the first header called `name` (any case).
  std::optional<std::string> header(std::string_view name) const;
};

class http_connection {
public:
  /// Does not connect yet. `limit` bounds each connect, write and read.
  explicit http_connection(std::uint16_t port,
                           std::chrono::milliseconds limit = std::chrono::seconds{10});
  ~http_connection();
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;

  std::uint16_t port() const { return port_; }
  void set_limit(std::chrono::milliseconds limit) { limit_ = limit; }

  http_response exchange(std::string_view method, std::string_view target,
                         const header_list& headers = {}, std::string_view body = {});
  /// Writes `bytes` unchanged and reads one response. `head`: the request was a HEAD.
  http_response exchange_raw(std::string_view bytes, bool head = false);

  /// Writes `bytes` without reading an answer (connecting first when needed); false when that
  /// failed. For requests the server never gets to the end of (truncated, then `close`).
  bool send(std::string_view bytes);

  /// True while a connection is open (as far as the client knows).
  bool is_open() const;
  /// Closes the connection (the next exchange reconnects).
  void close();
  /// True when the server closes the connection within `limit` (bytes arriving are dropped).
  bool closed_by_peer_within(std::chrono::milliseconds limit);

private:
  template <class Start>
  boost::system::error_code run(std::chrono::milliseconds limit, Start start);
  bool connect(std::string& error);
  bool write(std::string_view bytes, std::string& error);

  std::uint16_t port_;
  std::chrono::milliseconds limit_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool open_ = false;
};

/// One request on a fresh connection to `url` ("http://127.0.0.1:<port>/path?query").
http_response http_exchange(std::string_view method, std::string_view url,
                            const header_list& headers = {}, std::string_view body = {},
                            std::chrono::milliseconds limit = std::chrono::seconds{10});

/// The request as bytes: "METHOD target HTTP/1.1", Host and Content-Length (see above),
/// `headers`, blank line, `body`.
std::string format_http_request(std::string_view method, std::string_view target,
                                const header_list& headers = {}, std::string_view body = {});

} // namespace hookd::testing

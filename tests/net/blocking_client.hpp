#pragma once
// Test helper for http_server: one connection to 127.0.0.1:<port> with blocking calls and a
// time limit on each (Beast tcp_stream on a private io_context, run until the call completes).
// Raw bytes go out as given, so tests can send partial, malformed or pipelined requests.
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

struct client_reply {
  int status = 0;
  unsigned version = 11;
  std::vector<std::pair<std::string, std::string>> headers; ///< names as sent
  std::string body;
  bool keep_alive = false; ///< what the response's framing says

  /// Value of the first header called `name` (any case).
  std::optional<std::string> header(std::string_view name) const;
};

class blocking_client {
public:
  /// Connects; throws std::runtime_error when that fails.
  explicit blocking_client(std::uint16_t port);
  blocking_client(const blocking_client&) = delete;
  blocking_client& operator=(const blocking_client&) = delete;

  /// The error text when connecting to 127.0.0.1:<port> fails, nullopt when it succeeds.
  static std::optional<std::string> connect_error(std::uint16_t port);

  std::uint16_t local_port() const;

  /// Writes `bytes` as they are; false when the write failed.
  bool send(std::string_view bytes);

  /// Reads one response (an interim 100 included). nullopt when the connection ended, the
  /// limit passed or the bytes were not HTTP; `last_error()` says which. `head`: the request
  /// was a HEAD (no body follows the header).
  std::optional<client_reply> read_reply(std::chrono::milliseconds limit = std::chrono::seconds(5),
                                         bool head = false);

  /// Sends a well-formed HTTP/1.1 request (Host and Content-Length added) and reads the reply;
  /// throws std::runtime_error when none arrives.
  client_reply request(std::string_view method, std::string_view target, std::string_view body = {},
                       const std::vector<std::pair<std::string, std::string>>& headers = {});

  /// True when the server closes the connection (end of stream or reset) within `limit`; any
  /// bytes that arrive meanwhile are discarded.
  bool closed_within(std::chrono::milliseconds limit);

  /// The message of the last failed read or write ("" when none).
  std::string last_error() const;

private:
  template <class Start>
  boost::system::error_code run(std::chrono::milliseconds limit, Start start);

  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  boost::system::error_code last_;
};

/// "METHOD target HTTP/1.1" with Host, Content-Length (when a body or a POST) and `headers`.
std::string format_request(std::string_view method, std::string_view target,
                           std::string_view body = {},
                           const std::vector<std::pair<std::string, std::string>>& headers = {});

} // namespace hookd::testing

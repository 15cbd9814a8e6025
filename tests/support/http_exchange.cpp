// The blocking test client (see http_exchange.hpp): Beast tcp_stream on a private io_context,
// run until each step completes or its time limit passes.
#include "tests/support/http_exchange.hpp"

#include "net/ascii.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <charconv>

namespace hookd::testing {

using net::iequals;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

bool has_header(const header_list& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return iequals(h.first, name); });
}

/// "http://host:port/target" → (port, target); port 0 when the URL is not of that form.
std::pair<std::uint16_t, std::string> split_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme))
    return {0, {}};
  url.remove_prefix(scheme.size());
  const auto slash = url.find('/');
  const auto authority = url.substr(0, slash);
  const std::string target{slash == std::string_view::npos ? "/" : url.substr(slash)};
  const auto colon = authority.rfind(':');
  if (colon == std::string_view::npos)
    return {80, target};
  unsigned port = 0;
  const auto digits = authority.substr(colon + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc{} || end != digits.data() + digits.size() || port == 0 || port > 65535)
    return {0, {}};
  return {static_cast<std::uint16_t>(port), target};
}

} // namespace

std::optional<std::string> http_response::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (iequals(n, name))
      return v;
  return std::nullopt;
}

http_connection::http_connection(std::uint16_t port, std::chrono::milliseconds limit)
    : port_(port), limit_(limit), stream_(io_) {}

http_connection::~http_connection() {
  close();
}

template <class Start>
boost::system::error_code http_connection::run(std::chrono::milliseconds limit, Start start) {
  boost::system::error_code result = asio::error::operation_aborted;
  stream_.expires_after(limit);
  start([&](boost::system::error_code ec, auto&&...) { result = ec; });
  io_.restart();
  io_.run();
  stream_.expires_never();
  return result;
}

bool http_connection::connect(std::string& error) {
  close();
  const tcp::endpoint to{asio::ip::make_address("127.0.0.1"), port_};
  auto ec = run(limit_, [&](auto done) { stream_.async_connect(to, done); });
  if (ec) {
    error = "connect: " + ec.message();
    close();
    return false;
  }
  open_ = true;
  return true;
}

bool http_connection::is_open() const {
  return open_;
}

void http_connection::close() {
  boost::system::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  buffer_.clear();
  open_ = false;
}

http_response http_connection::exchange(std::string_view method, std::string_view target,
                                        const header_list& headers, std::string_view body) {
  return exchange_raw(format_http_request(method, target, headers, body), method == "HEAD");
}

bool http_connection::write(std::string_view bytes, std::string& error) {
  if (!open_ && !connect(error))
    return false;
  auto ec = run(limit_, [&](auto done) {
    asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()), done);
  });
  if (ec) {
    error = "write: " + ec.message();
    close();
    return false;
  }
  return true;
}

bool http_connection::send(std::string_view bytes) {
  std::string ignored;
  return write(bytes, ignored);
}

http_response http_connection::exchange_raw(std::string_view bytes, bool head) {
  http_response out;
  if (!write(bytes, out.error))
    return out;
  out.sent = true;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  parser.header_limit(1024 * 1024);
  parser.skip(head);
  auto ec = run(limit_, [&](auto done) { http::async_read(stream_, buffer_, parser, done); });
  if (ec) {
    out.error = "read: " + ec.message();
    close();
    return out;
  }
  const auto& msg = parser.get();
  out.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg)
    out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = msg.body();
  out.keep_alive = msg.keep_alive();
  if (!out.keep_alive)
    close();
  return out;
}

bool http_connection::closed_by_peer_within(std::chrono::milliseconds limit) {
  if (!open_)
    return true;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return false;
    buffer_.clear();
    auto ec = run(left, [&](auto done) { stream_.async_read_some(buffer_.prepare(4096), done); });
    if (ec == beast::error::timeout)
      return false;
    if (ec) { // end of stream, reset, ...
      close();
      return true;
    }
  }
}

http_response http_exchange(std::string_view method, std::string_view url,
                            const header_list& headers, std::string_view body,
                            std::chrono::milliseconds limit) {
  const auto [port, target] = split_url(url);
  if (port == 0) {
    http_response out;
    out.error = "not an http://host:port/ URL: " + std::string{url};
    return out;
  }
  http_connection conn{port, limit};
  return conn.exchange(method, target, headers, body);
}

std::string format_http_request(std::string_view method, std::string_view target,
                                const header_list& headers, std::string_view body) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  if (!has_header(headers, "host"))
    out.append("Host: 127.0.0.1\r\n");
  const bool wants_length =
      !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  if (wants_length && !has_header(headers, "content-length") &&
      !has_header(headers, "transfer-encoding"))
    out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  for (const auto& [name, value] : headers)
    out.append(name).append(": ").append(value).append("\r\n");
  out.append("\r\n").append(body);
  return out;
}

} // namespace hookd::testing

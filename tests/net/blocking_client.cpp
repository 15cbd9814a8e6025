#include "tests/net/blocking_client.hpp"

#include "net/ascii.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <stdexcept>

namespace hookd::testing {

using net::iequals;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

tcp::endpoint loopback(std::uint16_t port) {
  return {asio::ip::make_address("127.0.0.1"), port};
}

} // namespace

std::optional<std::string> client_reply::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (iequals(n, name))
      return v;
  return std::nullopt;
}

blocking_client::blocking_client(std::uint16_t port) : stream_(io_) {
  boost::system::error_code ec;
  stream_.socket().connect(loopback(port), ec);
  if (ec)
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": " + ec.message());
}

std::optional<std::string> blocking_client::connect_error(std::uint16_t port) {
  asio::io_context io;
  tcp::socket s(io);
  boost::system::error_code ec;
  s.connect(loopback(port), ec);
  if (ec)
    return ec.message();
  return std::nullopt;
}

std::uint16_t blocking_client::local_port() const {
  boost::system::error_code ec;
  return stream_.socket().local_endpoint(ec).port();
}

template <class Start>
boost::system::error_code blocking_client::run(std::chrono::milliseconds limit, Start start) {
  boost::system::error_code result;
  stream_.expires_after(limit);
  start([&](boost::system::error_code ec, std::size_t) { result = ec; });
  io_.restart();
  io_.run();
  stream_.expires_never();
  last_ = result;
  return result;
}

bool blocking_client::send(std::string_view bytes) {
  auto ec = run(std::chrono::seconds(5), [&](auto done) {
    asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()), done);
  });
  return !ec;
}

std::optional<client_reply> blocking_client::read_reply(std::chrono::milliseconds limit,
                                                        bool head) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  parser.skip(head);
  auto ec = run(limit, [&](auto done) { http::async_read(stream_, buffer_, parser, done); });
  if (ec)
    return std::nullopt;
  const auto& msg = parser.get();
  client_reply r;
  r.status = static_cast<int>(msg.result_int());
  r.version = msg.version();
  for (const auto& f : msg)
    r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  r.body = msg.body();
  r.keep_alive = msg.keep_alive();
  return r;
}

client_reply
blocking_client::request(std::string_view method, std::string_view target, std::string_view body,
                         const std::vector<std::pair<std::string, std::string>>& headers) {
  if (!send(format_request(method, target, body, headers)))
    throw std::runtime_error("write failed: " + last_error());
  auto reply = read_reply(std::chrono::seconds(5), method == "HEAD");
  if (!reply)
    throw std::runtime_error("no response: " + last_error());
  return *reply;
}

bool blocking_client::closed_within(std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return false;
    buffer_.clear();
    auto ec = run(left, [&](auto done) { stream_.async_read_some(buffer_.prepare(4096), done); });
    if (ec == beast::error::timeout)
      return false;
    if (ec)
      return true; // end of stream, reset, ...
  }
}

std::string blocking_client::last_error() const {
  return last_ ? last_.message() : std::string();
}

std::string format_request(std::string_view method, std::string_view target, std::string_view body,
                           const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  for (const auto& [name, value] : headers)
    out.append(name).append(": ").append(value).append("\r\n");
  out.append("\r\n").append(body);
  return out;
}

} // namespace hookd::testing

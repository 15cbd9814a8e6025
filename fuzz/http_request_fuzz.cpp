// Fuzz target: an HTTP/1.1 request as the API server reads it (net/server_session.cpp) and the
// pure API steps that read the request next (api/router.hpp, api/auth.hpp, api/cursor.hpp,
// api/requests.hpp's Idempotency-Key check), then the response head built for it
// (net/response_head.hpp) with the request's own headers echoed back as handler headers.
//
// The parser is Beast's request_parser<string_body> with the server's limits (16 KiB header,
// `max_body_bytes` body); the input may hold several pipelined requests, read one after the
// other as on a kept-alive connection.
// Checks: never throws; a response head ends at its first blank line (no header injection).
#include "fuzz/fuzz_target.hpp"

#include "api/auth.hpp"
#include "api/cursor.hpp"
#include "api/requests.hpp"
#include "api/router.hpp"
#include "net/http_server.hpp"
#include "net/response_head.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cctype>
#include <optional>
#include <string>
#include <variant>

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using hookd::fuzz::fuzz_check;

constexpr std::uint32_t header_limit = 16 * 1024;   // net/server_session.cpp
constexpr std::uint64_t body_limit = 1024 * 1024;   // server_options::max_body_bytes default
constexpr int max_requests = 8;                     // per input

using request_parser = http::request_parser<http::string_body>;

/// The request as http_server hands it to the API (server_session::dispatch).
hookd::net::server_request to_server_request(request_parser& parser) {
  auto& msg = parser.get();
  hookd::net::server_request r;
  r.method = std::string(msg.method_string());
  r.target = std::string(msg.target());
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (char& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  r.body = std::move(msg.body());
  r.remote = "127.0.0.1:1";
  return r;
}

void handle(hookd::net::server_request& r) {
  namespace api = hookd::api;
  (void)api::authorized(r.header("authorization"), "fuzz-token");
  (void)api::check_idempotency_key(r.header("idempotency-key"));
  const auto match = api::match_route(r.method, r.target);
  if (const auto* m = std::get_if<api::route_match>(&match)) {
    if (auto it = m->query.find("cursor"); it != m->query.end()) {
      (void)api::decode_cursor(it->second, "ep_");
      (void)api::decode_cursor(it->second, "msg_");
    }
  }

  hookd::net::server_response response;
  response.headers = r.headers;
  response.body = r.body;
  std::string head;
  hookd::net::response_framing framing;
  framing.head_request = r.method == "HEAD";
  (void)hookd::net::build_response_head(head, response, "hookd",
                                         "Sun, 06 Nov 1994 08:49:37 GMT", framing);
  fuzz_check(head.size() >= 4 && head.find("\r\n\r\n") == head.size() - 4,
             "response head has a blank line before its end");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::size_t offset = 0;
  for (int n = 0; n < max_requests && offset < size; ++n) {
    std::optional<request_parser> parser;
    parser.emplace();
    parser->header_limit(header_limit);
    parser->body_limit(body_limit);
    parser->eager(true);
    beast::error_code ec;
    while (!parser->is_done() && offset < size) {
      const std::size_t used = parser->put(boost::asio::buffer(data + offset, size - offset), ec);
      offset += used;
      if (ec == http::error::need_more) {
        ec = {};
        if (used == 0)
          break; // Beast wants more than the input has left
        continue;
      }
      if (ec)
        return 0; // the server answers 400 or 413 and closes
    }
    if (!parser->is_done()) {
      parser->put_eof(ec);
      if (ec || !parser->is_done())
        return 0; // incomplete: the client went away
    }
    hookd::net::server_request r = to_server_request(*parser);
    handle(r);
  }
  return 0;
}

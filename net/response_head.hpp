#pragma once
// The response side of http_server, written by hand like the client's request head (Beast's
// serializer is the largest user-space cost per message: docs/benchmarks.md, "The building
// blocks").
// Pure functions, no Beast, no sockets: table-tested in tests/net/response_head_test.cpp.
//
// Promises:
// - `build_response_head` writes "HTTP/1.1 <status> <reason>\r\n", then Server (unless empty),
//   Date, Content-Type (unless empty), Content-Length (not for 204/304), Connection (close, or
//   keep-alive for an HTTP/1.0 client that keeps the connection), the handler's headers in
//   order, and the blank line. Handler headers the server owns (framing, Content-Type, Server,
//   Date) or that could inject (invalid name, CR/LF/NUL in the value) are left out.
// - A status outside 200..599 is replaced by a 500 error response (an interim or invalid
//   status cannot be a final answer).
// - `error_response` is a response whose body is the API error shape, written by
//   net/error_body.hpp (the only writer of that shape).
#include "net/http_server.hpp"

#include <ctime>
#include <string>
#include <string_view>

namespace hookd::net {

struct response_framing {
  bool close = false;        ///< announce "Connection: close"
  bool http10_keep = false;  ///< HTTP/1.0 client keeping the connection: "Connection: keep-alive"
  bool head_request = false; ///< HEAD: the body is announced but not sent
};

/// Writes the head of `r` into `out` (cleared first) and returns whether the body is sent.
/// May rewrite `r` (invalid status -> 500 error response).
bool build_response_head(std::string& out, server_response& r, std::string_view server,
                         std::string_view date, const response_framing& framing);

/// The standard reason phrase, or "" for a status without one.
std::string_view reason_phrase(int status);

/// {"error":{"code":"<code>","message":"<message>"}} as application/json.
server_response error_response(int status, std::string_view code, std::string_view message);

/// RFC 7231 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT" (locale-independent).
std::string http_date(std::time_t t);

/// The Date value for now, formatted at most once per second. Not thread-safe (one per thread).
class date_cache {
public:
  std::string_view now();

private:
  std::time_t second_ = -1;
  std::string value_;
};

} // namespace hookd::net

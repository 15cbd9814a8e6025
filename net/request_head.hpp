#pragma once
// The request head of a webhook attempt, written by hand (Beast's serializer is the biggest
// user-space cost per request, docs/benchmarks.md, "The building blocks").
//
// Promises:
// - `build_request_head` returns "POST <target> HTTP/1.1\r\n" followed by Host, User-Agent,
//   Content-Type: application/json, Content-Length, the caller's headers in order, and the
//   blank line; HTTP/1.1 keep-alive is implied (no Connection header).
// - A caller's Content-Type or User-Agent replaces the default one.
// - Caller headers are checked: names must be RFC 7230 tokens, values must not contain CR, LF
//   or NUL (no header injection), and the framing headers the client owns (Host,
//   Content-Length, Transfer-Encoding, Connection, ...) are refused. A refusal is an error
//   string, never an exception.
#include "net/url.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hookd::net {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct request_head_result {
  std::string head;  ///< valid when error is empty
  std::string error; ///< e.g. "header \"Host\" is set by the client"
};

request_head_result build_request_head(const url& target, const header_list& headers,
                                       std::size_t body_size, std::string_view user_agent);

} // namespace hookd::net

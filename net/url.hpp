#pragma once
// Strict parser for endpoint URLs (absolute http:// or https:// only).
//
// Promises:
// - `parse_url` never throws; it returns either a `url` or a short human error naming what is
//   wrong (the API answers 422 with it).
// - Accepted: scheme http/https (any case, stored lower case), a host that is a DNS name, a
//   strict dotted-quad IPv4 address or a bracketed IPv6 literal (no zone id), an optional port
//   1..65535, and an optional path and query made of RFC 3986 characters with valid %-escapes.
// - Refused: other schemes, missing "//", userinfo ("user@"), fragments ("#..."), empty hosts,
//   bad ports, whitespace, control or non-ASCII bytes, backslashes, %-escapes in the host,
//   numeric-looking hosts that are not dotted quads ("127.1", "0x7f.0.0.1"), and URLs longer
//   than `max_url_length`.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hookd::net {

inline constexpr std::size_t max_url_length = 4096;

struct url {
  std::string scheme;     ///< "http" or "https"
  std::string host;       ///< lower case; IPv6 literals keep their brackets: "[::1]"
  std::uint16_t port = 0; ///< explicit port, or 80 / 443 by scheme
  std::string target;     ///< path + query, "/" when the URL has no path

  bool is_https() const { return scheme == "https"; }
  bool is_ipv6_literal() const { return !host.empty() && host.front() == '['; }
  /// The host as the resolver and TLS want it: IPv6 literals without brackets.
  std::string_view bare_host() const;
  /// Value of the Host header: host, plus ":port" unless it is the scheme's default.
  std::string host_header() const;
  /// "scheme://host:port": the key connections are pooled under.
  std::string origin() const;
};

struct url_result {
  std::optional<url> value; ///< set on success
  std::string error;        ///< empty on success

  explicit operator bool() const { return value.has_value(); }
};

url_result parse_url(std::string_view text);

} // namespace hookd::net

#include "net/url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace hookd::net {

namespace {

url_result fail(std::string error) {
  return {std::nullopt, std::move(error)};
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), to_lower);
  return out;
}

bool all_of(std::string_view s, bool (*pred)(char)) {
  return std::all_of(s.begin(), s.end(), pred);
}

/// RFC 3986 pchar / query characters, except '%' (checked as an escape by the caller).
bool is_target_char(char c) {
  static constexpr std::string_view extra = "-._~!$&'()*+,;=:@/?";
  return is_alpha(c) || is_digit(c) || extra.find(c) != std::string_view::npos;
}

/// Bytes refused anywhere in a URL: controls, space, DEL, non-ASCII, and backslash (which
/// browsers read as '/', so it would mean different things to different parsers).
bool is_forbidden_byte(char c) {
  auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u >= 0x7f || c == '\\';
}

std::optional<std::uint16_t> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5 || !all_of(s, is_digit))
    return std::nullopt;
  unsigned value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  if (value == 0 || value > 65535)
    return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

/// Dotted quad, decimal, no leading zeros: the only numeric host form accepted.
bool is_strict_ipv4(std::string_view s) {
  int parts = 0;
  while (true) {
    auto dot = s.find('.');
    auto part = s.substr(0, dot);
    if (part.empty() || part.size() > 3 || !all_of(part, is_digit))
      return false;
    if (part.size() > 1 && part.front() == '0')
      return false;
    unsigned value = 0;
    std::from_chars(part.data(), part.data() + part.size(), value);
    if (value > 255)
      return false;
    ++parts;
    if (dot == std::string_view::npos)
      break;
    s.remove_prefix(dot + 1);
  }
  return parts == 4;
}

/// A last label made of digits or of "0x..." makes resolvers read the host as an address.
bool looks_numeric(std::string_view last_label) {
  if (last_label.empty())
    return false;
  if (all_of(last_label, is_digit))
    return true;
  return last_label.size() >= 2 && last_label[0] == '0' && to_lower(last_label[1]) == 'x' &&
         all_of(last_label.substr(2), is_hex);
}

bool is_label_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '_';
}

bool is_valid_label(std::string_view label) {
  return !label.empty() && label.size() <= 63 && all_of(label, is_label_char) &&
         label.front() != '-' && label.back() != '-';
}

std::optional<std::string> check_host_name(std::string_view host) {
  if (host.size() > 253)
    return "host name too long";
  auto last_dot = host.rfind('.');
  auto last = last_dot == std::string_view::npos ? host : host.substr(last_dot + 1);
  if (looks_numeric(last))
    return is_strict_ipv4(host) ? std::nullopt : std::optional<std::string>("invalid IPv4 address");
  std::string_view rest = host;
  while (true) {
    auto dot = rest.find('.');
    if (!is_valid_label(rest.substr(0, dot)))
      return "invalid host name";
    if (dot == std::string_view::npos)
      return std::nullopt;
    rest.remove_prefix(dot + 1);
  }
}

std::optional<std::string> check_ipv6(std::string_view inner) {
  auto ok_char = [](char c) { return is_hex(c) || c == ':' || c == '.'; };
  std::array<unsigned char, 16> ignored{};
  std::string text(inner);
  if (inner.empty() || !std::all_of(inner.begin(), inner.end(), ok_char) ||
      inet_pton(AF_INET6, text.c_str(), ignored.data()) != 1)
    return "invalid IPv6 address";
  return std::nullopt;
}

struct authority {
  std::string_view host;
  std::string_view port; ///< empty when absent
  bool has_port = false;
};

/// Splits "host[:port]" or "[v6][:port]"; the error is set when the shape is wrong.
std::optional<authority> split_authority(std::string_view text, std::string& error) {
  authority out;
  std::string_view after_host;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) {
      error = "unterminated IPv6 address";
      return std::nullopt;
    }
    out.host = text.substr(0, close + 1);
    after_host = text.substr(close + 1);
  } else {
    auto colon = text.find(':');
    out.host = text.substr(0, colon);
    after_host = colon == std::string_view::npos ? std::string_view{} : text.substr(colon);
  }
  if (!after_host.empty()) {
    if (after_host.front() != ':') {
      error = "invalid character after host";
      return std::nullopt;
    }
    out.has_port = true;
    out.port = after_host.substr(1);
  }
  return out;
}

std::optional<std::string> check_host(std::string_view host) {
  if (host.empty())
    return "empty host";
  if (host.front() == '[')
    return check_ipv6(host.substr(1, host.size() - 2));
  return check_host_name(host);
}

std::optional<std::string> check_target(std::string_view target) {
  for (std::size_t i = 0; i < target.size(); ++i) {
    char c = target[i];
    if (c == '%') {
      if (i + 2 >= target.size() || !is_hex(target[i + 1]) || !is_hex(target[i + 2]))
        return "invalid percent-escape";
      i += 2;
    } else if (!is_target_char(c)) {
      return std::string("invalid character '") + c + "' in path or query";
    }
  }
  return std::nullopt;
}

} // namespace

std::string_view url::bare_host() const {
  std::string_view h = host;
  if (is_ipv6_literal())
    h = h.substr(1, h.size() - 2);
  return h;
}

std::string url::host_header() const {
  std::uint16_t default_port = is_https() ? 443 : 80;
  return port == default_port ? host : host + ':' + std::to_string(port);
}

std::string url::origin() const {
  return scheme + "://" + host + ':' + std::to_string(port);
}

url_result parse_url(std::string_view text) {
  if (text.empty())
    return fail("empty URL");
  if (text.size() > max_url_length)
    return fail("URL too long");
  if (std::any_of(text.begin(), text.end(), is_forbidden_byte))
    return fail("URL contains whitespace, control, non-ASCII or backslash characters");

  auto sep = text.find("://");
  if (sep == std::string_view::npos || sep == 0)
    return fail("URL must be absolute (http:// or https://)");
  url out;
  out.scheme = lower(text.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https")
    return fail("unsupported scheme \"" + out.scheme + "\" (only http and https)");

  auto rest = text.substr(sep + 3);
  auto authority_end = rest.find_first_of("/?#");
  auto authority_text = rest.substr(0, authority_end);
  auto tail =
      authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (authority_text.find('@') != std::string_view::npos)
    return fail("user info is not allowed in the URL");
  if (tail.find('#') != std::string_view::npos)
    return fail("fragment is not allowed in the URL");

  std::string error;
  auto parts = split_authority(authority_text, error);
  if (!parts)
    return fail(error);
  if (auto bad = check_host(parts->host))
    return fail(*bad);
  out.host = lower(parts->host);
  if (parts->has_port) {
    auto port = parse_port(parts->port);
    if (!port)
      return fail("invalid port");
    out.port = *port;
  } else {
    out.port = out.is_https() ? 443 : 80;
  }

  if (auto bad = check_target(tail))
    return fail(*bad);
  out.target = tail.empty() || tail.front() == '?' ? "/" + std::string(tail) : std::string(tail);
  return {std::move(out), {}};
}

} // namespace hookd::net

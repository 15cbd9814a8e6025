// Splits "host:port" / "[v6]:port" and recognises loopback hosts (see listen_address.hpp).
#include "config/listen_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <string_view>

namespace hookd::config {
namespace {

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value < 1 || value > 65535)
    return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

// "[::1]:8080" -> host "::1"; the bracketed part must be an IPv6-looking text (has a ':').
std::optional<listen_address> parse_bracketed(std::string_view text) {
  const std::size_t close = text.find(']');
  if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
    return std::nullopt;
  const std::string_view host = text.substr(1, close - 1);
  const std::optional<std::uint16_t> port = parse_port(text.substr(close + 2));
  if (host.find(':') == std::string_view::npos || !port)
    return std::nullopt;
  return listen_address{std::string(host), *port};
}

// "host:port" where host has no ':' (a bare IPv6 address is ambiguous and refused).
std::optional<listen_address> parse_plain(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == 0 || colon == std::string_view::npos)
    return std::nullopt;
  const std::string_view host = text.substr(0, colon);
  const std::optional<std::uint16_t> port = parse_port(text.substr(colon + 1));
  if (!port || host.find_first_of(" []/") != std::string_view::npos)
    return std::nullopt;
  return listen_address{std::string(host), *port};
}

} // namespace

std::optional<listen_address> parse_listen_address(const std::string& text) {
  if (!text.empty() && text.front() == '[')
    return parse_bracketed(text);
  return parse_plain(text);
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost")
    return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1)
    return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1)
    return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
  return false;
}

} // namespace hookd::config

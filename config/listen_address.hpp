#pragma once
// server.listen as written in the configuration: "host:port", with an IPv6 host in brackets
// ("[::1]:8080"). Parsing checks the shape and the port (1..65535), not that the host resolves;
// the HTTP server uses the same parser to bind.
#include <cstdint>
#include <optional>
#include <string>

namespace hookd::config {

struct listen_address {
  std::string host; ///< without brackets: "127.0.0.1", "::1", "localhost", "0.0.0.0"
  std::uint16_t port = 0;
};

/// nullopt unless `text` is host:port with a non-empty host and a port in 1..65535.
std::optional<listen_address> parse_listen_address(const std::string& text);

/// True for "localhost", 127.0.0.0/8, ::1 and ::ffff:127.x.y.z — where no token is needed.
bool is_loopback_host(const std::string& host);

} // namespace hookd::config

#pragma once
// Endpoint secrets both tools derive from the endpoint's name, so the bench registers each
// endpoint with a secret the receiver already knows (no secret exchange at run time):
// key = SHA-256("hookd-bench/" + name), secret = "whsec_" + base64(key).
#include <string>
#include <string_view>

namespace hookd::bench {

/// The raw 32-byte HMAC key of endpoint `name`.
std::string endpoint_key(std::string_view name);
/// "whsec_<base64 key>", as passed to POST /v1/endpoints.
std::string endpoint_secret(std::string_view name);
/// "<group>-<index>".
std::string endpoint_name(std::string_view group, std::size_t index);

} // namespace hookd::bench

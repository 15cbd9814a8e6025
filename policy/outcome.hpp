#pragma once
// Outcomes as values: what happened to an attempt, a delivery or an endpoint. These enums
// travel in actor messages and land verbatim (as their string names) on store records and in
// API responses. Nothing in hookd throws across an actor boundary; it reports one of these.
#include <cstdint>
#include <optional>
#include <string_view>

namespace hookd {

/// Result of one HTTP attempt after classification (docs/behaviour.md).
enum class attempt_outcome : std::uint8_t {
  success,   ///< 2xx
  failure,   ///< retryable: other status, timeout, connect/TLS error, reset
  permanent, ///< a `permanent_statuses` code (404/410): the endpoint is gone
};

/// Transport-level reason an attempt failed; `http_status` when a response arrived.
enum class attempt_error : std::uint8_t {
  none,
  http_status,       ///< a non-2xx response
  timeout,           ///< connect or whole-attempt deadline passed
  connect_refused,   ///< TCP RST on connect
  connect_failed,    ///< other connect error (unreachable, ...)
  dns,               ///< host name did not resolve
  tls,               ///< handshake or certificate verification failed
  reset,             ///< connection reset / closed mid-exchange
  protocol,          ///< malformed HTTP response
  forbidden_address, ///< SSRF guard refused the resolved address
  invalid_url,       ///< the endpoint URL cannot be used
  unavailable,       ///< no destination could take the attempt (shutdown, actor down)
  local_resources,   ///< hookd itself ran out of descriptors, memory or buffers (not the endpoint)
};

/// Life cycle of one (message, endpoint) pair (docs/behaviour.md).
enum class delivery_status : std::uint8_t { pending, delivered, failed };

/// Why a delivery is `failed`.
enum class failure_reason : std::uint8_t { none, exhausted, endpoint_disabled, endpoint_deleted };

enum class endpoint_status : std::uint8_t { enabled, disabled };

/// Why an endpoint is `disabled`.
enum class disabled_reason : std::uint8_t {
  none,
  gone,    ///< answered a permanent status (404/410)
  failing, ///< every attempt failed for `failure_disable_after`
  manual,  ///< an operator disabled it
};

std::string_view to_string(attempt_outcome x);
std::string_view to_string(attempt_error x);
std::string_view to_string(delivery_status x);
std::string_view to_string(failure_reason x);
std::string_view to_string(endpoint_status x);
std::string_view to_string(disabled_reason x);

/// Inverse of `to_string`; nullopt for an unknown name.
template <class Enum>
std::optional<Enum> enum_from_string(std::string_view name);

} // namespace hookd

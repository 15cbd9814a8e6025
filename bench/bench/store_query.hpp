#pragma once
// What hookd's API says about messages and endpoints after the run: GET /v1/messages/{id}
// (the delivery's status and reason) and GET /v1/endpoints/{id} (status, reason, updated_at),
// many at once over keep-alive connections.
#include "bench/bench/registry.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace hookd::bench {

enum class store_state : std::uint8_t {
  unknown,           ///< not asked
  delivered,
  pending,
  exhausted,
  endpoint_disabled,
  endpoint_deleted,
  missing,           ///< 404, or no delivery for the endpoint: lost
  error,             ///< the GET failed
};
const char* to_string(store_state s);

/// The state of each message in `seqs` (same order).
std::vector<store_state> query_messages(const registry& reg, const std::vector<std::size_t>& seqs,
                                        std::uint16_t port, std::size_t connections);

struct endpoint_state {
  std::string status;          ///< "enabled" / "disabled"; "" when the GET failed
  std::string disabled_reason; ///< "" when null
  std::int64_t updated_ms = 0; ///< unix ms
};

/// The state of each endpoint in `indices` (same order).
std::vector<endpoint_state> query_endpoints(const registry& reg,
                                            const std::vector<std::uint32_t>& indices,
                                            std::uint16_t port, std::size_t connections);

} // namespace hookd::bench

#pragma once
// SPEC §4: what an attempt's response (or transport error) means for the delivery and endpoint.
//   2xx                          → success
//   a status in permanent_statuses (404, 410) → permanent: disable the endpoint at once
//   anything else (3xx included, timeouts, connect/TLS errors, resets) → retryable failure
#include "policy/outcome.hpp"

#include <span>

namespace hookd::policy {

/// `status` is 0 when no response arrived; `error` is attempt_error::none or http_status when
/// one did.
attempt_outcome classify(int status, attempt_error error, std::span<const int> permanent_statuses);

} // namespace hookd::policy

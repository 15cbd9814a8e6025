#pragma once
// docs/behaviour.md: what an attempt's response (or transport error) means for the delivery and endpoint.
//   2xx                          → success
//   a status in permanent_statuses (404, 410) → permanent: disable the endpoint at once
//   anything else (3xx included, timeouts, connect/TLS errors, resets) → retryable failure
#include "policy/outcome.hpp"

#include <span>

namespace hookd::policy {

/// `status` is 0 when no response arrived; `error` is attempt_error::none or http_status when
/// one did.
attempt_outcome classify(int status, attempt_error error, std::span<const int> permanent_statuses);

/// Whether a failed attempt says anything about the endpoint. Not when hookd itself could not
/// make it: `local_resources` (out of descriptors, memory, buffers) and `unavailable` (no
/// destination took it). Such a failure is retried on the schedule, but it neither counts
/// toward the circuit breaker nor starts or extends the 24-hour rule.
bool blames_endpoint(attempt_error error);

/// True for an errno that means this process or machine ran short (EMFILE, ENFILE, ENOBUFS,
/// ENOMEM): such an error on socket, connect or resolve is `local_resources`, never the
/// endpoint's.
bool is_resource_shortage(int errno_value);

} // namespace hookd::policy

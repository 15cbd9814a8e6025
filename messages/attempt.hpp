#pragma once
// The destination interface's messages: an endpoint actor asks a destination (network I/O
// actor) to perform one attempt and gets the raw result back. Destinations never decide
// policy; classification happens in the endpoint's scheduler.
#include "messages/payload.hpp"
#include "policy/outcome.hpp"
#include "policy/signature_scheme.hpp"
#include "policy/time.hpp"

#include "messages/inspect.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hookd {

struct attempt_request {
  std::int64_t delivery_id = 0;
  std::string message_id; ///< also the webhook-id: receivers dedupe on it
  std::string endpoint_id;
  std::string url;
  signature_scheme scheme = signature_scheme::standard;
  std::vector<std::string> secrets; ///< current first, previous during rotation
  payload body;
  duration timeout{15000}; ///< whole-attempt deadline
  /// The endpoint's custom headers (the API refuses names hookd sets itself).
  std::vector<std::pair<std::string, std::string>> headers;
  bool svix_headers = false; ///< also svix-id/-timestamp/-signature (an application's endpoint)
};

struct attempt_result {
  std::int64_t delivery_id = 0;
  int status = 0; ///< 0: no response
  attempt_error error = attempt_error::none;
  std::string error_detail;
  std::string response_body; ///< at most 4 KiB
  std::string retry_after;   ///< raw header value, empty when absent
  duration elapsed{0};
};

HOOKD_INSPECT(attempt_request, x.delivery_id, x.message_id, x.endpoint_id, x.url, x.scheme,
              x.secrets, x.body, x.timeout, x.headers, x.svix_headers)

HOOKD_INSPECT(attempt_result, x.delivery_id, x.status, x.error, x.error_detail, x.response_body,
              x.retry_after, x.elapsed)

} // namespace hookd

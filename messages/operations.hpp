#pragma once
// Operator actions the dispatcher carries out (persist through the writer, then update its
// registry and the endpoint's actor): the HTTP API's enable/disable/delete/recover/retry.
#include "messages/inspect.hpp"
#include "policy/time.hpp"

#include <cstdint>
#include <string>

namespace hookd {

/// POST /v1/messages/{id}/retry: one extra attempt now for the message's failed deliveries
/// (on enabled endpoints) and its pending ones. Reply: how many deliveries were (re)started.
struct retry_message_cmd {
  std::int64_t message_seq = 0;
  /// Set: a resend to this endpoint alone, also when its delivery was delivered already.
  std::string endpoint_id;
};

HOOKD_INSPECT(retry_message_cmd, x.message_seq, x.endpoint_id)

} // namespace hookd

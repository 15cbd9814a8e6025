#pragma once
// Accepting a message: the API (or a test) submits it to the dispatcher, which fans it out,
// has it committed with its deliveries, routes the deliveries, then answers.
#include "messages/payload.hpp"
#include "messages/records.hpp"

#include "messages/inspect.hpp"

#include <string>
#include <vector>

namespace hookd {

struct submit_message {
  std::string event_type;
  std::string payload;     ///< JSON bytes as received
  std::string endpoint_id; ///< empty: fan out by event type; else only this endpoint
  std::string message_id;  ///< empty: the dispatcher assigns one
  std::string idempotency_key;  ///< empty: none
  std::string request_hash;     ///< identifies the request under that key
};

/// Reply to submit_message: sent only after the message and its deliveries are committed.
struct submit_result {
  store::message_record message; ///< its payload moved to `body`
  payload body;                  ///< shared with the deliveries on their way
  std::vector<std::string> endpoint_ids;
};

HOOKD_INSPECT(submit_message, x.event_type, x.payload, x.endpoint_id, x.message_id,
              x.idempotency_key, x.request_hash)

HOOKD_INSPECT(submit_result, x.message, x.body, x.endpoint_ids)

} // namespace hookd

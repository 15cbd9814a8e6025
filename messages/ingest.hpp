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
  /// The application it belongs to: it fans out to that application's endpoints only (empty:
  /// to endpoints of no application); a named endpoint must be the application's.
  std::string application_id;
  std::string event_id; ///< unique within the application (a repeat: errc::store_conflict)
  std::string channels; ///< a JSON list of strings, kept with the message; empty: none
  /// The inbound source it was posted to (empty: none); `event_id` is then the sender's id of
  /// the event, and a second message with it from that source is errc::store_conflict.
  std::string source_id;
};

/// Reply to submit_message: sent only after the message and its deliveries are committed.
struct submit_result {
  store::message_record message; ///< its payload moved to `body`
  payload body;                  ///< shared with the deliveries on their way
  std::vector<std::string> endpoint_ids;
};

/// Many messages committed in one transaction (POST /v1/messages/batch). Each obeys the rules
/// of submit_message and is refused alone; the batch as a whole is refused only when the
/// engine takes no messages at all (shutting down, recovering, overloaded).
struct submit_batch {
  std::vector<submit_message> messages;
};

/// One item of batch_result: accepted (`error` empty), or the error submit_message would have
/// got.
struct batch_item_result {
  submit_result accepted;
  caf::error error;
};

/// Reply to submit_batch, sent only after the accepted messages are committed and routed: one
/// result per message, in order.
struct batch_result {
  std::vector<batch_item_result> items;
};

HOOKD_INSPECT(submit_message, x.event_type, x.payload, x.endpoint_id, x.message_id,
              x.idempotency_key, x.request_hash, x.application_id, x.event_id, x.channels, x.source_id)

HOOKD_INSPECT(submit_result, x.message, x.body, x.endpoint_ids)
HOOKD_INSPECT(submit_batch, x.messages)
HOOKD_INSPECT(batch_item_result, x.accepted, x.error)
HOOKD_INSPECT(batch_result, x.items)

} // namespace hookd

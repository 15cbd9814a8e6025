#pragma once
// What an inbound request (a third party's webhook posted to /in/{source}) says about itself,
// once its signature is verified (policy/inbound_verification.hpp) and its body parsed:
//
//   event type  the sender's name for it: Typeform's `event_type`, GitHub's X-GitHub-Event
//               header, Stripe's and Standard Webhooks' `type`; else the source's name. A
//               source's `event_type_from` (a JSON Pointer such as "/event_type") overrides that.
//   sender id   the sender's own id of the event, the same on each of its retries: Typeform's
//               `event_id`, X-GitHub-Delivery, Stripe's `id`, webhook-id (svix-id); a token
//               source's Idempotency-Key header. Empty when the request carries none.
//
// Pure: no I/O, no clock; never throws. A value that is missing, not a string, empty or longer
// than max_inbound_name_length counts as absent (the next rule applies).
#include "policy/inbound_verification.hpp"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace hookd::policy {

/// Longest event type or sender id taken from a request.
inline constexpr std::size_t max_inbound_name_length = 256;

struct inbound_event {
  std::string event_type;
  std::string sender_id; ///< empty: none
};

/// `body` is the parsed request body; `header` looks a header up by lower-case name ("" when
/// absent); `event_type_from` is empty or a JSON Pointer valid for nlohmann::json_pointer.
inbound_event read_inbound_event(source_kind kind, const nlohmann::json& body,
                                 const std::function<std::string_view(std::string_view)>& header,
                                 std::string_view source_name, std::string_view event_type_from);

/// Whether `pointer` is a JSON Pointer (RFC 6901): "" or "/..." with only ~0 and ~1 escapes.
bool valid_json_pointer(std::string_view pointer);

} // namespace hookd::policy

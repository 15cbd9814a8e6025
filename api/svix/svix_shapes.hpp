#pragma once
// Store records in the Svix API's response shapes (docs/svix.md): camelCase, RFC 3339 times,
// ids as Svix spells them ("app_", "ep_", "msg_", "atmpt_"). Pure.
#include "api/resources.hpp"
#include "messages/store_commands.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>

namespace hookd::api::svix {

/// ApplicationOut.
json application_out(const store::application_record& app);

/// EndpointOut (never the secret). filterTypes is null for an endpoint of every event type.
json endpoint_out(const store::endpoint_record& ep);

/// MessageOut. Without content the payload is {} (with_content=false).
json message_out(const store::message_record& m, bool with_content);

/// MessageAttemptOut; `url` is the endpoint's (attempts keep no URL of their own).
json attempt_out(const store::attempt_record& a, const std::string& url);

/// Svix's MessageStatus of an attempt: 0 success, 2 fail.
int attempt_status(attempt_outcome outcome);

/// EndpointHeadersOut.
json headers_out(const store::header_list& headers);

/// The list wrapper: {data, iterator, prevIterator, done}. `next` is the iterator of the next
/// page; none: done.
json list_out(json data, const std::optional<std::string>& next);

/// ListResponse of event types and one EventTypeOut.
json event_type_out(const store::event_type_record& t);

} // namespace hookd::api::svix

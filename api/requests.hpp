#pragma once
// Parsing and validation of request bodies. Pure functions: bytes in, fields or an api_error
// out. Malformed JSON, a body nested deeper than max_json_nesting (api/json_depth.hpp: 400
// too_deep, checked before parsing; POST /v1/messages checks it in its one parsing pass,
// api/message_scan.hpp, with the same answers), a body that is not an object, a wrong type or
// an unknown field is a 400; a well-typed value that is not acceptable (bad URL, out of range)
// is a 422.
#include "api/api_error.hpp"
#include "config/config.hpp"
#include "policy/address_policy.hpp"
#include "policy/signature_scheme.hpp"
#include "policy/time.hpp"
#include "store/records.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hookd::api {

template <class T>
using parsed = std::variant<T, api_error>;

/// Fields of POST /v1/endpoints (url required) and PATCH /v1/endpoints/{id} (all optional).
struct endpoint_fields {
  std::optional<std::string> url;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> event_types;
  std::optional<std::string> secret;
  std::optional<signature_scheme> scheme;
  std::optional<double> rate_limit_per_s;
  std::optional<int> max_concurrency;
  std::optional<int> timeout_ms;
};

/// The SSRF guard's rule that endpoint URLs are checked against. A URL whose host is a literal
/// IP address the rule refuses is a 422 `forbidden_address`; host names are not resolved here
/// (they are checked at connect time, on every address they resolve to).
using target_policy = policy::address_policy;

/// From endpoints.allow_private_targets and endpoints.allow_cidrs.
target_policy target_policy_from(const config::config& cfg);

parsed<endpoint_fields> parse_endpoint_fields(std::string_view body, bool creating,
                                              const target_policy& targets);

/// Applies `fields` to `ep` and checks the result as a whole (e.g. the secret's form for the
/// scheme). Returns an error and leaves `ep` unspecified when something is unacceptable.
std::optional<api_error> apply_endpoint_fields(const endpoint_fields& fields,
                                               store::endpoint_record& ep);

/// Body of POST /v1/messages. `payload` holds the payload's bytes exactly as sent.
struct message_request {
  std::string event_type;
  std::string payload;
  std::string endpoint_id; ///< empty: fan out by event type
};

parsed<message_request> parse_message_request(std::string_view body);

/// One message of POST /v1/messages/batch: what a POST /v1/messages body holds, plus the
/// message's own Idempotency-Key, and its bytes as sent (its request under that key).
struct batch_item {
  message_request message;
  std::string idempotency_key; ///< empty: none
  std::string text;
};

/// Messages in one POST /v1/messages/batch.
inline constexpr std::size_t max_batch_messages = 1000;

/// Body of POST /v1/messages/batch: {"messages": [message, ...]}. The body as a whole is a 400
/// when it is malformed (malformed_json: not JSON, not an object; too_deep: a message nested
/// more than twice as deep as a message may be; unknown_field; wrong_type: `messages` missing or not an
/// array; batch_size: not 1–max_batch_messages messages). Otherwise each message is judged
/// alone, in order, as a POST /v1/messages body would be: its bytes within `max_message_bytes`
/// (413 payload_too_large), its nesting (too_deep), an object (malformed_json), its fields;
/// `idempotency_key` as the Idempotency-Key header.
parsed<std::vector<parsed<batch_item>>> parse_batch_request(std::string_view body,
                                                            std::size_t max_message_bytes);

/// Body of POST /v1/endpoints/{id}/recover: {"since": "<RFC 3339>"}.
parsed<time_point> parse_recover_request(std::string_view body);

/// Body of POST /v1/endpoints/{id}/secret/rotate: empty, {} or {"secret": "..."}.
/// Returns the requested secret, or an empty string for "generate one".
parsed<std::string> parse_rotate_request(std::string_view body);

// -- building blocks other request parsers share (the Svix API's, api/svix/svix_requests) ----

/// The body as a JSON object: the depth guard, then the parse (400 too_deep/malformed_json).
parsed<nlohmann::json> parse_json_object(std::string_view body);

/// An endpoint URL as POST /v1/endpoints takes it (422 invalid_url, forbidden_address).
std::optional<api_error> check_endpoint_url(const std::string& url, const target_policy& targets);

/// A secret the scheme can sign with (422 otherwise).
std::optional<api_error> check_endpoint_secret(const std::string& secret, signature_scheme scheme);

/// Idempotency-Key header value: 1–255 visible ASCII characters.
std::optional<api_error> check_idempotency_key(std::string_view key);

/// Limits of accepted values, for docs and tests.
inline constexpr std::size_t max_event_type_length = 256;
inline constexpr std::size_t max_event_types = 256;
inline constexpr std::size_t max_description_length = 1024;
inline constexpr int min_timeout_ms = 1000;
inline constexpr int max_timeout_ms = 60000;
inline constexpr int max_concurrency_limit = 1000;
/// rate_limit_per_s is 0 (unlimited) or in this range: the slowest rate waits 1000 s per
/// delivery, far from the token bucket's clamps (policy/token_bucket.hpp).
inline constexpr double min_rate_limit_per_s = 0.001;
inline constexpr double max_rate_limit_per_s = 100000;

} // namespace hookd::api

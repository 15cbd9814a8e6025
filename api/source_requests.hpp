#pragma once
// Bodies of /v1/sources (docs/inbound.md): POST (name and kind required) and PATCH (all
// optional, kind not changeable). Pure: bytes in, fields or an api_error out, with the answers
// of api/requests.hpp (400 for malformed JSON, wrong types and unknown fields; 422 for a
// well-typed value that is not acceptable).
#include "api/requests.hpp"
#include "policy/inbound_verification.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace hookd::api {

struct source_fields {
  std::optional<std::string> name;
  std::optional<policy::source_kind> kind;
  std::optional<std::string> secret;          ///< checked against the kind by apply_source_fields
  std::optional<std::string> event_type_from; ///< "" or a JSON Pointer
};

/// Longest source name (it becomes the event type of messages whose sender names none).
inline constexpr std::size_t max_source_name_length = max_event_type_length;

parsed<source_fields> parse_source_fields(std::string_view body, bool creating);

/// Applies `fields` to `src`: a secret must suit the kind (422); creating without a secret
/// generates one, but for stripe, whose secret Stripe makes (422). Returns an error and leaves `src` unspecified when something is unacceptable.
std::optional<api_error> apply_source_fields(const source_fields& fields, store::source_record& src);

} // namespace hookd::api

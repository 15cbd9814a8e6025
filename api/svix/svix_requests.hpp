#pragma once
// The Svix API's request bodies and list queries (docs/svix.md): bytes in, fields or an
// api_error out. Pure; table-tested in tests/api/svix_requests_test.cpp.
//
// Rules, as Svix's own server has them: camelCase names; both spellings of the renamed fields
// (filterTypes/eventTypes, rateLimit/throttleRate); members hookd does not know are ignored
// (newer SDKs send fields older servers lack), but a known member hookd cannot honour
// (endpoint channels, a message's inline application) is a 422 rather than silently dropped.
// Malformed JSON or a body nested too deep is a 400 {code, detail}; a wrong type or an
// unacceptable value a 422 whose loc names the member.
#include "api/api_error.hpp"
#include "api/requests.hpp"
#include "store/records.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hookd::api::svix {

/// A member as a PATCH sees it: absent (leave as is), null (clear), or a value.
template <class T>
struct field {
  bool present = false;
  std::optional<T> value; ///< nullopt while present: null
  bool set() const { return present && value.has_value(); }
};

/// How a body is read: create (POST) and replace (PUT) require what Svix requires; patch
/// (PATCH) requires nothing and takes null as "clear".
enum class body_mode { create, replace, patch };

/// ApplicationIn / ApplicationPatch.
struct application_in {
  field<std::string> name;
  field<std::string> uid;
  field<std::int32_t> rate_limit;
  field<std::string> metadata; ///< a JSON object of strings, as compact text
};

parsed<application_in> parse_application(std::string_view body, body_mode mode);

/// EndpointIn (create), EndpointUpdate (replace) and EndpointPatch (patch).
struct endpoint_in {
  field<std::string> url;
  field<std::string> description;
  field<std::string> uid;
  field<bool> disabled;
  field<std::vector<std::string>> filter_types; ///< filterTypes or eventTypes
  field<std::int32_t> rate_limit;               ///< rateLimit or throttleRate (per second)
  field<std::string> secret;                    ///< with the whsec_ prefix
  field<std::string> metadata;
  field<store::header_list> headers;
};

parsed<endpoint_in> parse_endpoint(std::string_view body, body_mode mode,
                                   const target_policy& targets);

/// EndpointHeadersIn (replace: the whole set) or EndpointHeadersPatchIn (patch: null removes).
struct headers_in {
  store::header_list set;           ///< names and values to set
  std::vector<std::string> removed; ///< patch: names whose value was null
};

parsed<headers_in> parse_headers(std::string_view body, body_mode mode);

/// MessageIn. `payload` is the payload's bytes exactly as sent.
struct message_in {
  std::string event_type;
  std::string payload;
  std::string event_id; ///< empty: none
  std::string channels; ///< a JSON list of strings; empty: none
};

parsed<message_in> parse_message(std::string_view body);

/// RecoverIn: since required, until optional.
struct recover_in {
  time_point since = no_time;
  time_point until = no_time;
};

parsed<recover_in> parse_recover(std::string_view body);

/// EndpointSecretRotateIn: the new key, or empty for "generate one".
parsed<std::string> parse_rotate(std::string_view body);

/// EventTypeIn.
struct event_type_in {
  std::string name;
  std::string description;
  bool archived = false;
  bool deprecated = false;
  std::string schemas; ///< JSON text; empty: none
};

parsed<event_type_in> parse_event_type(std::string_view body);

/// The query of a list call: limit (1–250, default 50), iterator, before/after (RFC 3339),
/// event_types (comma-separated), channel, status (MessageStatus 0–3), with_content. Others
/// are ignored.
struct list_query {
  std::size_t limit = 50;
  std::string iterator;
  time_point before = no_time;
  time_point after = no_time;
  std::vector<std::string> event_types;
  std::string channel;
  int status = -1;
  bool with_content = true;
};

inline constexpr std::size_t max_list_limit = 250;

parsed<list_query> parse_list_query(const std::map<std::string, std::string>& query);

/// A uid, event id or event type name: 1–256 of a-z A-Z 0-9 - _ . (Svix's pattern).
bool valid_name(std::string_view s, std::size_t max = 256);

/// "whsec_" + key for a key given without it (Svix takes both spellings).
std::string with_secret_prefix(const std::string& key);

} // namespace hookd::api::svix

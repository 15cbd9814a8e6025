#include "api/requests.hpp"

#include "api/json_depth.hpp"
#include "api/json_span.hpp"
#include "api/message_scan.hpp"
#include "policy/time_format.hpp"
#include "net/url.hpp"
#include "policy/signing.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace hookd::api {
namespace {

using json = nlohmann::json;

api_error body_too_deep() {
  return api_error::too_deep("the body nests arrays/objects more than " +
                             std::to_string(max_json_nesting) +
                             " levels below its top-level object");
}
api_error body_not_json() { return api_error::malformed_json("the body is not valid JSON"); }
api_error body_not_object() { return api_error::malformed_json("the body must be a JSON object"); }

/// Every body but POST /v1/messages (api/message_scan.hpp, one pass with the same answers) goes
/// through here: the depth guard first, so neither the parser nor the recursive operations on
/// the parsed value (copy, dump, compare, destroy) nor a receiver's parser (which gets the
/// payload's bytes) ever sees more than max_json_nesting + 1 levels.
parsed<json> parse_object(std::string_view body) {
  if (nested_deeper_than(body, max_json_nesting + 1))
    return body_too_deep();
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded())
    return body_not_json();
  if (!doc.is_object())
    return body_not_object();
  return doc;
}

api_error unknown_field(const std::string& name) {
  return api_error{400, "unknown_field", "unknown field '" + name + "'"};
}

std::optional<api_error> unknown_fields(const json& doc, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : doc.items())
    if (std::find(known.begin(), known.end(), key) == known.end())
      return unknown_field(key);
  return std::nullopt;
}

api_error wrong_type(std::string_view field, std::string_view expected) {
  return api_error::wrong_type(std::string{field} + " must be " + std::string{expected});
}

bool printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20; });
}

/// Reads an optional field with `read(value) -> parsed<T>`; absent leaves `out` empty.
template <class T, class Read>
std::optional<api_error> read_field(const json& doc, const char* name, std::optional<T>& out, Read read) {
  auto it = doc.find(name);
  if (it == doc.end())
    return std::nullopt;
  auto value = read(*it);
  if (auto* e = std::get_if<api_error>(&value))
    return *e;
  out = std::move(std::get<T>(value));
  return std::nullopt;
}

/// A literal IP host the policy refuses: 422 forbidden_address, naming the range and the keys.
std::optional<api_error> check_target(const net::url& u, const target_policy& targets) {
  const auto address = policy::ip_address::parse(u.bare_host());
  if (!address)
    return std::nullopt; // a host name: checked at connect time on what it resolves to
  const auto verdict = targets.check(*address);
  if (verdict.allowed)
    return std::nullopt;
  return api_error{422, "forbidden_address",
                   "url: " + policy::describe(*address, verdict.cls) +
                       "; endpoint URLs on non-public addresses are refused unless "
                       "endpoints.allow_private_targets is on or the address is in "
                       "endpoints.allow_cidrs (see docs/security.md)"};
}

parsed<std::string> read_url(const json& v, const target_policy& targets) {
  if (!v.is_string())
    return wrong_type("url", "a string");
  const auto text = v.get<std::string>();
  auto parsed_url = net::parse_url(text);
  if (!parsed_url) {
    std::string why = "url: " + parsed_url.error;
    if (parsed_url.error == "invalid IPv4 address")
      why += ": only the dotted-quad decimal form a.b.c.d is accepted; decimal, hex, octal and "
             "shortened spellings (2130706433, 0x7f000001, 0177.0.0.1, 127.1) are not accepted";
    return api_error::invalid_url(std::move(why));
  }
  if (auto refused = check_target(*parsed_url.value, targets))
    return *refused;
  return text;
}

parsed<std::string> read_description(const json& v) {
  if (!v.is_string())
    return wrong_type("description", "a string");
  auto text = v.get<std::string>();
  if (text.size() > max_description_length)
    return api_error::invalid("description: at most " + std::to_string(max_description_length) +
                              " bytes");
  return text;
}

parsed<std::vector<std::string>> read_event_types(const json& v) {
  if (!v.is_array())
    return wrong_type("event_types", "an array of strings");
  if (v.size() > max_event_types)
    return api_error::invalid("event_types: at most " + std::to_string(max_event_types) + " entries");
  std::set<std::string> unique;
  for (const auto& item : v) {
    if (!item.is_string())
      return wrong_type("event_types", "an array of strings");
    auto type = item.get<std::string>();
    if (type.empty() || type.size() > max_event_type_length || !printable(type))
      return api_error::invalid("event_types: each must be 1–" + std::to_string(max_event_type_length) +
                                " printable characters");
    unique.insert(std::move(type));
  }
  return std::vector<std::string>(unique.begin(), unique.end());
}

parsed<std::string> read_secret(const json& v) {
  if (!v.is_string())
    return wrong_type("secret", "a string");
  return v.get<std::string>();
}

parsed<signature_scheme> read_scheme(const json& v) {
  if (!v.is_string())
    return wrong_type("signature_scheme", "a string");
  if (auto s = signature_scheme_from_string(v.get<std::string>()))
    return *s;
  return api_error::invalid("signature_scheme: must be \"standard\" or \"typeform\"");
}

parsed<double> read_rate(const json& v) {
  if (!v.is_number())
    return wrong_type("rate_limit_per_s", "a number");
  const double rate = v.get<double>();
  if (rate == 0)
    return 0.0; // also -0
  if (rate >= min_rate_limit_per_s && rate <= max_rate_limit_per_s)
    return rate;
  return api_error::invalid("rate_limit_per_s: must be 0 (unlimited) or between 0.001 and 100000");
}

parsed<int> read_int(const json& v, const char* name, int lo, int hi) {
  if (!v.is_number_integer())
    return wrong_type(name, "an integer");
  const auto value = v.get<std::int64_t>();
  if (value < lo || value > hi)
    return api_error::invalid(std::string{name} + ": must be between " + std::to_string(lo) +
                              " and " + std::to_string(hi));
  return static_cast<int>(value);
}

/// A secret acceptable for the scheme: "whsec_" + base64 of 24–64 bytes; typeform also takes a
/// plain string of 16–256 printable characters.
std::optional<api_error> check_secret(const std::string& secret, signature_scheme scheme) {
  if (secret.starts_with("whsec_")) {
    auto key = policy::base64_decode(secret.substr(6));
    if (key && key->size() >= 24 && key->size() <= 64)
      return std::nullopt;
    return api_error::invalid("secret: a whsec_ secret must be base64 of 24–64 bytes");
  }
  if (scheme == signature_scheme::typeform && secret.size() >= 16 && secret.size() <= 256 &&
      printable(secret))
    return std::nullopt;
  return api_error::invalid(scheme == signature_scheme::typeform
                              ? "secret: must be whsec_<base64> or 16–256 printable characters"
                              : "secret: must be whsec_<base64 of 24–64 bytes>");
}

} // namespace

target_policy target_policy_from(const config::config& cfg) {
  return target_policy::from_config(cfg.endpoints.allow_private_targets, cfg.endpoints.allow_cidrs);
}

parsed<endpoint_fields> parse_endpoint_fields(std::string_view body, bool creating,
                                              const target_policy& targets) {
  auto doc = parse_object(body.empty() && !creating ? std::string_view{"{}"} : body);
  if (auto* e = std::get_if<api_error>(&doc))
    return *e;
  const json& d = std::get<json>(doc);
  if (auto e = unknown_fields(d, {"url", "description", "event_types", "secret", "signature_scheme",
                                  "rate_limit_per_s", "max_concurrency", "timeout_ms"}))
    return *e;
  endpoint_fields f;
  std::optional<api_error> e;
  if ((e = read_field(d, "url", f.url, [&](const json& v) { return read_url(v, targets); })) ||
      (e = read_field(d, "description", f.description, read_description)) ||
      (e = read_field(d, "event_types", f.event_types, read_event_types)) ||
      (e = read_field(d, "secret", f.secret, read_secret)) ||
      (e = read_field(d, "signature_scheme", f.scheme, read_scheme)) ||
      (e = read_field(d, "rate_limit_per_s", f.rate_limit_per_s, read_rate)) ||
      (e = read_field(d, "max_concurrency", f.max_concurrency,
                      [](const json& v) { return read_int(v, "max_concurrency", 1, max_concurrency_limit); })) ||
      (e = read_field(d, "timeout_ms", f.timeout_ms,
                      [](const json& v) { return read_int(v, "timeout_ms", min_timeout_ms, max_timeout_ms); })))
    return *e;
  if (creating && !f.url)
    return api_error::invalid("url: required");
  return f;
}

std::optional<api_error> apply_endpoint_fields(const endpoint_fields& f, store::endpoint_record& ep) {
  if (f.url)
    ep.url = *f.url;
  if (f.description)
    ep.description = *f.description;
  if (f.event_types)
    ep.event_types = *f.event_types;
  if (f.scheme)
    ep.scheme = *f.scheme;
  if (f.rate_limit_per_s)
    ep.rate_limit_per_s = *f.rate_limit_per_s;
  if (f.max_concurrency)
    ep.max_concurrency = *f.max_concurrency;
  if (f.timeout_ms)
    ep.timeout_ms = *f.timeout_ms;
  if (f.secret && *f.secret != ep.secret) {
    // A secret set directly replaces the old one at once (rotation is the graceful way).
    ep.secret = *f.secret;
    ep.previous_secret.clear();
    ep.previous_secret_expires_at = no_time;
  }
  // Whatever changed, the secret must suit the scheme the endpoint ends up with.
  if (f.secret || f.scheme)
    return check_secret(ep.secret, ep.scheme);
  return std::nullopt;
}

namespace {

/// The fields of a message from its members as read (by scan_message for POST /v1/messages,
/// from the parsed element for a batch), checked in this order.
parsed<message_request> message_fields(message_members d) {
  message_request m;
  if (d.event_type.seen == string_member::state::absent)
    return api_error::invalid("event_type: required");
  if (d.event_type.seen == string_member::state::other)
    return wrong_type("event_type", "a string");
  m.event_type = std::move(d.event_type.text);
  if (m.event_type.empty() || m.event_type.size() > max_event_type_length || !printable(m.event_type))
    return api_error::invalid("event_type: must be 1–" + std::to_string(max_event_type_length) +
                              " printable characters");
  switch (d.payload.seen) {
    case payload_member::state::absent: return api_error::invalid("payload: required");
    case payload_member::state::null: return api_error::invalid("payload: must not be null");
    case payload_member::state::not_located: // cannot happen for JSON the parser accepted
      return api_error::malformed_json("the payload could not be located in the body");
    case payload_member::state::value: break;
  }
  m.payload = std::string{d.payload.bytes};
  if (d.endpoint_id.seen == string_member::state::other)
    return wrong_type("endpoint_id", "a string");
  m.endpoint_id = std::move(d.endpoint_id.text);
  return m;
}

string_member string_member_of(const json& d, const char* name) {
  auto it = d.find(name);
  if (it == d.end())
    return {};
  if (!it->is_string())
    return {string_member::state::other, {}};
  return {string_member::state::string, it->get<std::string>()};
}

/// The members of a parsed message object `d`, whose bytes are `text` (the payload's bytes are
/// taken from there).
message_members members_of(const json& d, std::string_view text) {
  message_members m{string_member_of(d, "event_type"), string_member_of(d, "endpoint_id"), {}};
  if (auto payload = d.find("payload"); payload != d.end()) {
    if (payload->is_null())
      m.payload.seen = payload_member::state::null;
    else if (auto bytes = member_span(text, "payload"))
      m.payload = {payload_member::state::value, *bytes};
    else
      m.payload.seen = payload_member::state::not_located;
  }
  return m;
}

/// One message of a batch: `v` parsed, `text` its bytes.
parsed<batch_item> batch_item_of(const json& v, std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes)
    return api_error::too_large("the message is " + std::to_string(text.size()) +
                                " bytes; at most " + std::to_string(max_bytes) +
                                " (server.max_payload_bytes)");
  if (nested_deeper_than(text, max_json_nesting + 1))
    return api_error::too_deep("the message nests arrays/objects more than " +
                               std::to_string(max_json_nesting) + " levels below its own object");
  if (!v.is_object())
    return api_error::malformed_json("each message must be a JSON object");
  if (auto e = unknown_fields(v, {"event_type", "payload", "endpoint_id", "idempotency_key"}))
    return *e;
  auto fields = message_fields(members_of(v, text));
  if (auto* e = std::get_if<api_error>(&fields))
    return *e;
  batch_item item{std::move(std::get<message_request>(fields)), {}, std::string{text}};
  if (auto key = v.find("idempotency_key"); key != v.end()) {
    if (!key->is_string())
      return wrong_type("idempotency_key", "a string");
    item.idempotency_key = key->get<std::string>();
    if (auto e = check_idempotency_key(item.idempotency_key))
      return api_error::malformed("idempotency_key: 1–255 visible ASCII characters");
  }
  return item;
}

} // namespace

parsed<message_request> parse_message_request(std::string_view body) {
  auto scan = scan_message(body); // validates, depth-checks and finds the members in one pass
  switch (scan.result) {
    case message_scan::outcome::too_deep: return body_too_deep();
    case message_scan::outcome::malformed: return body_not_json();
    case message_scan::outcome::not_object: return body_not_object();
    case message_scan::outcome::object: break;
  }
  if (scan.unknown_field)
    return unknown_field(*scan.unknown_field);
  return message_fields(std::move(scan.members));
}

parsed<std::vector<parsed<batch_item>>> parse_batch_request(std::string_view body,
                                                            std::size_t max_message_bytes) {
  // A message nested too deep is refused alone (batch_item_of) up to twice the limit; beyond
  // that the body is refused whole before the parser sees it (the body, its array and the
  // message object are 3 more levels).
  if (nested_deeper_than(body, 2 * max_json_nesting + 3))
    return api_error::too_deep("the body nests arrays/objects more than " +
                               std::to_string(2 * max_json_nesting + 2) +
                               " levels below its top-level object (a message may nest " +
                               std::to_string(max_json_nesting) + ")");
  const json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded())
    return api_error::malformed_json("the body is not valid JSON");
  if (!doc.is_object())
    return api_error::malformed_json("the body must be a JSON object");
  if (auto e = unknown_fields(doc, {"messages"}))
    return *e;
  const auto messages = doc.find("messages");
  if (messages == doc.end() || !messages->is_array())
    return wrong_type("messages", "an array of 1–" + std::to_string(max_batch_messages) + " messages");
  if (messages->empty() || messages->size() > max_batch_messages)
    return api_error{400, "batch_size",
                     "messages: 1–" + std::to_string(max_batch_messages) + " messages per batch, not " +
                         std::to_string(messages->size())};
  const auto array_text = member_span(body, "messages");
  const auto texts = array_text ? element_spans(*array_text) : std::vector<std::string_view>{};
  if (texts.size() != messages->size()) // cannot happen for JSON the parser accepted
    return api_error::malformed_json("the messages could not be located in the body");
  std::vector<parsed<batch_item>> items;
  items.reserve(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i)
    items.push_back(batch_item_of((*messages)[i], texts[i], max_message_bytes));
  return items;
}

parsed<time_point> parse_recover_request(std::string_view body) {
  auto doc = parse_object(body);
  if (auto* e = std::get_if<api_error>(&doc))
    return *e;
  const json& d = std::get<json>(doc);
  if (auto e = unknown_fields(d, {"since"}))
    return *e;
  auto since = d.find("since");
  if (since == d.end())
    return api_error::invalid("since: required (RFC 3339 time)");
  if (!since->is_string())
    return wrong_type("since", "an RFC 3339 time string");
  if (auto t = parse_time(since->get<std::string>()))
    return *t;
  return api_error::invalid("since: not an RFC 3339 time, e.g. 2026-11-30T09:00:00Z");
}

parsed<std::string> parse_rotate_request(std::string_view body) {
  if (body.empty())
    return std::string{};
  auto doc = parse_object(body);
  if (auto* e = std::get_if<api_error>(&doc))
    return *e;
  const json& d = std::get<json>(doc);
  if (auto e = unknown_fields(d, {"secret"}))
    return *e;
  std::optional<std::string> secret;
  if (auto e = read_field(d, "secret", secret, read_secret))
    return *e;
  return secret.value_or("");
}

parsed<nlohmann::json> parse_json_object(std::string_view body) { return parse_object(body); }

std::optional<api_error> check_endpoint_url(const std::string& url, const target_policy& targets) {
  auto checked = read_url(json(url), targets);
  if (auto* e = std::get_if<api_error>(&checked))
    return *e;
  return std::nullopt;
}

std::optional<api_error> check_endpoint_secret(const std::string& secret, signature_scheme scheme) {
  return check_secret(secret, scheme);
}

std::optional<api_error> check_idempotency_key(std::string_view key) {
  const bool visible = std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  if (key.empty() || key.size() > 255 || !visible)
    return api_error::malformed("Idempotency-Key: 1–255 visible ASCII characters");
  return std::nullopt;
}

} // namespace hookd::api

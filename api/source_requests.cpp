#include "api/source_requests.hpp"

#include "policy/inbound_event.hpp"

#include <algorithm>

namespace hookd::api {
namespace {

using json = nlohmann::json;

api_error wrong_type(std::string_view field, std::string_view expected) {
  return api_error::wrong_type(std::string{field} + " must be " + std::string{expected});
}

/// A string field, if present (null is a wrong type, as everywhere in the native API).
std::optional<api_error> read_string(const json& doc, const char* field, std::optional<std::string>& out) {
  auto it = doc.find(field);
  if (it == doc.end())
    return std::nullopt;
  if (!it->is_string())
    return wrong_type(field, "a string");
  out = it->get<std::string>();
  return std::nullopt;
}

std::optional<api_error> check_name(const std::string& name) {
  const bool visible = std::all_of(name.begin(), name.end(),
                                   [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; });
  if (name.empty() || name.size() > max_source_name_length || !visible)
    return api_error::invalid("name must be 1 to " + std::to_string(max_source_name_length) +
                              " printable characters");
  return std::nullopt;
}

} // namespace

parsed<source_fields> parse_source_fields(std::string_view body, bool creating) {
  auto doc = parse_json_object(body);
  if (auto* e = std::get_if<api_error>(&doc))
    return *e;
  const json& d = std::get<json>(doc);
  for (const auto& [key, value] : d.items()) {
    const bool known = key == "name" || key == "event_type_from" ||
                       (creating && (key == "kind" || key == "secret"));
    if (!known) {
      if (!creating && (key == "kind" || key == "secret"))
        return api_error::invalid(key == "kind" ? "a source's kind cannot change: create another source"
                                                : "change the secret with POST /v1/sources/{id}/secret/rotate");
      return api_error{400, "unknown_field", "unknown field '" + key + "'"};
    }
  }
  source_fields f;
  std::optional<std::string> kind;
  for (auto [field, out] : {std::pair{"name", &f.name}, std::pair{"kind", &kind},
                            std::pair{"secret", &f.secret}, std::pair{"event_type_from", &f.event_type_from}})
    if (auto e = read_string(d, field, *out))
      return *e;
  if (creating && !f.name)
    return api_error::invalid("name is required");
  if (f.name)
    if (auto e = check_name(*f.name))
      return *e;
  if (creating && !kind)
    return api_error::invalid("kind is required: typeform, github, stripe, standard or token");
  if (kind) {
    f.kind = policy::source_kind_from_string(*kind);
    if (!f.kind)
      return api_error::invalid("kind must be typeform, github, stripe, standard or token");
  }
  if (f.event_type_from && (f.event_type_from->size() > 1024 || !policy::valid_json_pointer(*f.event_type_from)))
    return api_error::invalid("event_type_from must be a JSON Pointer such as \"/event_type\" (RFC 6901)");
  return f;
}

std::optional<api_error> apply_source_fields(const source_fields& fields, store::source_record& src) {
  if (fields.name)
    src.name = *fields.name;
  if (fields.event_type_from)
    src.event_type_from = *fields.event_type_from;
  if (fields.kind)
    src.kind = std::string{policy::to_string(*fields.kind)};
  const auto kind = policy::source_kind_from_string(src.kind);
  if (!kind)
    return api_error::internal("source " + src.id + " has an unknown kind");
  if (fields.secret) {
    if (auto why = policy::check_source_secret(*kind, *fields.secret); !why.empty())
      return api_error::invalid("secret: " + why);
    src.secret = *fields.secret;
  } else if (src.secret.empty()) {
    // Stripe makes the signing secret itself: one of ours could never match.
    if (*kind == policy::source_kind::stripe)
      return api_error::invalid("secret is required for a stripe source: Stripe's endpoint signing "
                                "secret (whsec_...) from its dashboard");
    src.secret = policy::generate_source_secret(*kind);
  }
  return std::nullopt;
}

} // namespace hookd::api

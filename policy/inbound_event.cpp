#include "policy/inbound_event.hpp"

#include <nlohmann/json.hpp>

namespace hookd::policy {
namespace {

using json = nlohmann::json;

/// `v` when it is a usable name: a non-empty string of at most max_inbound_name_length bytes.
std::optional<std::string> usable(const json* v) {
  if (v == nullptr || !v->is_string())
    return std::nullopt;
  const auto& s = v->get_ref<const std::string&>();
  if (s.empty() || s.size() > max_inbound_name_length)
    return std::nullopt;
  return s;
}

std::optional<std::string> usable(std::string_view s) {
  if (s.empty() || s.size() > max_inbound_name_length)
    return std::nullopt;
  return std::string{s};
}

const json* member(const json& body, const char* name) {
  if (!body.is_object())
    return nullptr;
  auto it = body.find(name);
  return it == body.end() ? nullptr : &*it;
}

const json* at_pointer(const json& body, std::string_view pointer) {
  if (!valid_json_pointer(pointer))
    return nullptr;
  const json::json_pointer p{std::string{pointer}};
  // contains() does not throw for a pointer that does not resolve (e.g. past a scalar).
  if (!body.contains(p))
    return nullptr;
  return &body.at(p);
}

std::optional<std::string> senders_type(source_kind kind, const json& body,
                                        const std::function<std::string_view(std::string_view)>& header) {
  switch (kind) {
    case source_kind::typeform: return usable(member(body, "event_type"));
    case source_kind::github: return usable(header("x-github-event"));
    case source_kind::stripe:
    case source_kind::standard: return usable(member(body, "type"));
    case source_kind::token: return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> senders_id(source_kind kind, const json& body,
                                      const std::function<std::string_view(std::string_view)>& header) {
  switch (kind) {
    case source_kind::typeform: return usable(member(body, "event_id"));
    case source_kind::github: return usable(header("x-github-delivery"));
    case source_kind::stripe: return usable(member(body, "id"));
    case source_kind::standard: {
      auto id = usable(header("webhook-id"));
      return id ? id : usable(header("svix-id"));
    }
    case source_kind::token: return usable(header("idempotency-key"));
  }
  return std::nullopt;
}

} // namespace

bool valid_json_pointer(std::string_view pointer) {
  if (pointer.empty())
    return true;
  if (pointer.front() != '/')
    return false;
  for (std::size_t i = 0; i < pointer.size(); ++i)
    if (pointer[i] == '~' && (i + 1 == pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')))
      return false;
  return true;
}

inbound_event read_inbound_event(source_kind kind, const nlohmann::json& body,
                                 const std::function<std::string_view(std::string_view)>& header,
                                 std::string_view source_name, std::string_view event_type_from) {
  inbound_event e;
  std::optional<std::string> type;
  if (!event_type_from.empty())
    type = usable(at_pointer(body, event_type_from));
  if (!type)
    type = senders_type(kind, body, header);
  e.event_type = type ? std::move(*type) : std::string{source_name};
  if (auto id = senders_id(kind, body, header))
    e.sender_id = std::move(*id);
  return e;
}

} // namespace hookd::policy

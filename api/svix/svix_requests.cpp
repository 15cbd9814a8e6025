#include "api/svix/svix_requests.hpp"

#include "api/json_span.hpp"
#include "policy/signing.hpp"
#include "policy/time_format.hpp"

#include <algorithm>
#include <charconv>
#include <set>

namespace hookd::api::svix {
namespace {

using json = nlohmann::json;

api_error invalid(std::string member, std::string message) {
  return api_error::invalid_at({"body", std::move(member)}, std::move(message));
}

api_error invalid_query(std::string name, std::string message) {
  return api_error::invalid_at({"query", std::move(name)}, std::move(message));
}

/// The member `name` (or its other spelling `alias`) of `doc`, or nullptr.
const json* member(const json& doc, const char* name, const char* alias = nullptr) {
  if (auto it = doc.find(name); it != doc.end())
    return &*it;
  if (alias != nullptr)
    if (auto it = doc.find(alias); it != doc.end())
      return &*it;
  return nullptr;
}

/// Reads member `name` into `out` with `read(value) -> parsed<T>`; null is "clear" (allowed
/// only when `nullable`).
template <class T, class Read>
std::optional<api_error> read(const json& doc, const char* name, const char* alias, bool nullable,
                              field<T>& out, Read read_value) {
  const json* v = member(doc, name, alias);
  if (v == nullptr)
    return std::nullopt;
  out.present = true;
  if (v->is_null()) {
    if (!nullable)
      return invalid(name, std::string{name} + ": may not be null");
    return std::nullopt;
  }
  auto value = read_value(*v);
  if (auto* e = std::get_if<api_error>(&value))
    return *e;
  out.value = std::move(std::get<T>(value));
  return std::nullopt;
}

auto string_reader(const char* name, std::size_t min, std::size_t max) {
  return [=](const json& v) -> parsed<std::string> {
    if (!v.is_string())
      return invalid(name, std::string{name} + ": must be a string");
    auto s = v.get<std::string>();
    if (s.size() < min || s.size() > max)
      return invalid(name, std::string{name} + ": must be " + std::to_string(min) + "–" +
                               std::to_string(max) + " bytes");
    return s;
  };
}

auto name_reader(const char* name, std::size_t max = 256) {
  return [=](const json& v) -> parsed<std::string> {
    if (!v.is_string() || !valid_name(v.get<std::string>(), max))
      return invalid(name, std::string{name} + ": must be 1–" + std::to_string(max) +
                               " characters of a-z, A-Z, 0-9, '-', '_' and '.'");
    return v.get<std::string>();
  };
}

auto rate_reader(const char* name, int min) {
  return [=](const json& v) -> parsed<std::int32_t> {
    if (!v.is_number_integer())
      return invalid(name, std::string{name} + ": must be an integer");
    const auto n = v.get<std::int64_t>();
    if (n < min || n > 65535)
      return invalid(name, std::string{name} + ": must be " + std::to_string(min) + "–65535");
    return static_cast<std::int32_t>(n);
  };
}

/// metadata: an object whose values are strings, kept as compact JSON text.
parsed<std::string> read_metadata(const json& v) {
  if (!v.is_object())
    return invalid("metadata", "metadata: must be an object of strings");
  for (const auto& [key, value] : v.items())
    if (!value.is_string())
      return invalid("metadata", "metadata: the value of '" + key + "' must be a string");
  if (v.dump().size() > std::size_t{16} * 1024)
    return invalid("metadata", "metadata: at most 16 KiB");
  return v.dump();
}

parsed<bool> read_bool(const json& v, const char* name) {
  if (!v.is_boolean())
    return invalid(name, std::string{name} + ": must be true or false");
  return v.get<bool>();
}

/// A list of unique names (filterTypes, channels).
parsed<std::vector<std::string>> read_names(const json& v, const char* name, std::size_t min_items,
                                            std::size_t max_items, std::size_t max_length) {
  if (!v.is_array())
    return invalid(name, std::string{name} + ": must be an array of strings");
  if (v.size() < min_items || v.size() > max_items)
    return invalid(name, std::string{name} + ": must hold " + std::to_string(min_items) + "–" +
                             std::to_string(max_items) + " items");
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.is_string() || !valid_name(item.get<std::string>(), max_length))
      return invalid(name, std::string{name} + ": each must be 1–" + std::to_string(max_length) +
                               " characters of a-z, A-Z, 0-9, '-', '_' and '.'");
    if (seen.insert(item.get<std::string>()).second)
      out.push_back(item.get<std::string>());
  }
  return out;
}

/// Names hookd sets on every delivery request, or that would change how it is framed: an
/// endpoint's custom headers may not use them.
bool reserved_header(std::string_view name) {
  std::string lower;
  for (char c : name)
    lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  static constexpr std::string_view exact[] = {
      "host",       "content-length", "transfer-encoding", "connection", "keep-alive", "te",
      "trailer",    "upgrade",        "proxy-connection",  "content-type", "user-agent",
      "typeform-signature"};
  if (std::find(std::begin(exact), std::end(exact), lower) != std::end(exact))
    return true;
  return lower.starts_with("webhook-") || lower.starts_with("svix-");
}

bool token_char(char c) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         extra.find(c) != std::string_view::npos;
}

std::optional<api_error> check_header(const std::string& name, const std::string& value) {
  if (name.empty() || name.size() > 256 || !std::all_of(name.begin(), name.end(), token_char))
    return invalid("headers", "headers: '" + name + "' is not a valid header name");
  if (value.size() > 4096 ||
      !std::all_of(value.begin(), value.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x20 || c == '\t';
      }))
    return invalid("headers", "headers: the value of '" + name + "' must be at most 4096 "
                              "printable characters");
  if (reserved_header(name))
    return invalid("headers", "headers: '" + name + "' is set by hookd itself");
  return std::nullopt;
}

/// headers: an object of header name → value (a patch also takes null: remove).
parsed<headers_in> read_headers(const json& v, bool nulls_remove) {
  if (!v.is_object())
    return invalid("headers", "headers: must be an object of strings");
  if (v.size() > 64)
    return invalid("headers", "headers: at most 64");
  headers_in out;
  for (const auto& [name, value] : v.items()) {
    if (value.is_null() && nulls_remove) {
      out.removed.push_back(name);
      continue;
    }
    if (!value.is_string())
      return invalid("headers", "headers: the value of '" + name + "' must be a string");
    if (auto e = check_header(name, value.get<std::string>()))
      return *e;
    out.set.emplace_back(name, value.get<std::string>());
  }
  return out;
}

parsed<time_point> read_time(const json& v, const char* name) {
  if (v.is_string())
    if (auto t = parse_time(v.get<std::string>()))
      return *t;
  return invalid(name, std::string{name} + ": must be an RFC 3339 time, e.g. 2026-11-30T09:00:00Z");
}

} // namespace

bool valid_name(std::string_view s, std::size_t max) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
  });
}

std::string with_secret_prefix(const std::string& key) {
  return key.starts_with("whsec_") ? key : "whsec_" + key;
}

parsed<application_in> parse_application(std::string_view body, body_mode mode) {
  auto doc = parse_json_object(body);
  if (auto* e = std::get_if<api_error>(&doc))
    return *e;
  const json& d = std::get<json>(doc);
  application_in a;
  const bool patch = mode == body_mode::patch;
  if (auto e = read(d, "name", nullptr, false, a.name, string_reader("name", 1, 256)))
    return *e;
  if (!patch && !a.name.set())
    return invalid("name", "name: required");
  if (auto e = read(d, "uid", nullptr, true, a.uid, name_reader("uid")))
    return *e;
  if (auto e = read(d, "rateLimit", "throttleRate", true, a.rate_limit,
                    rate_reader("rateLimit", patch ? 0 : 1)))
    return *e;
  if (auto e = read(d, "metadata", nullptr, patch, a.metadata, read_metadata))
    return *e;
  return a;
}

parsed<endpoint_in> parse_endpoint(std::string_view body, body_mode mode,
                                   const target_policy& targets) {
  auto doc = parse_json_object(body);
  if (auto* e = std::get_if<api_error>(&doc))
    return *e;
  const json& d = std::get<json>(doc);
  endpoint_in ep;
  const bool patch = mode == body_mode::patch;
  if (auto e = read(d, "url", nullptr, false, ep.url, string_reader("url", 1, 65536)))
    return *e;
  if (!patch && !ep.url.set())
    return invalid("url", "url: required");
  if (ep.url.set())
    if (auto e = check_endpoint_url(*ep.url.value, targets)) {
      e->loc = {"body", "url"};
      return *e;
    }
  if (auto e = read(d, "description", nullptr, false, ep.description,
                    string_reader("description", 0, max_description_length)))
    return *e;
  if (auto e = read(d, "uid", nullptr, true, ep.uid, name_reader("uid")))
    return *e;
  if (auto e = read(d, "disabled", nullptr, false, ep.disabled,
                    [](const json& v) { return read_bool(v, "disabled"); }))
    return *e;
  if (auto e = read(d, "filterTypes", "eventTypes", true, ep.filter_types, [&](const json& v) {
        return read_names(v, "filterTypes", patch ? 0 : 1, max_event_types, 256);
      }))
    return *e;
  if (auto e = read(d, "rateLimit", "throttleRate", true, ep.rate_limit,
                    rate_reader("rateLimit", patch ? 0 : 1)))
    return *e;
  if (mode != body_mode::replace) // EndpointUpdate has no secret
    if (auto e = read(d, "secret", nullptr, true, ep.secret, [](const json& v) -> parsed<std::string> {
          if (!v.is_string())
            return invalid("secret", "secret: must be a string");
          auto key = with_secret_prefix(v.get<std::string>());
          if (auto bad = check_endpoint_secret(key, signature_scheme::standard)) {
            bad->loc = {"body", "secret"};
            return *bad;
          }
          return key;
        }))
      return *e;
  if (auto e = read(d, "metadata", nullptr, patch, ep.metadata, read_metadata))
    return *e;
  if (auto e = read(d, "headers", nullptr, true, ep.headers, [](const json& v) -> parsed<store::header_list> {
        auto h = read_headers(v, false);
        if (auto* bad = std::get_if<api_error>(&h))
          return *bad;
        return std::move(std::get<headers_in>(h).set);
      }))
    return *e;
  if (const json* channels = member(d, "channels"); channels && !channels->is_null() &&
                                                     !(channels->is_array() && channels->empty()))
    return invalid("channels", "channels: endpoint channel filters are not supported by hookd "
                               "(docs/svix.md); filter by event type instead");
  return ep;
}

parsed<headers_in> parse_headers(std::string_view body, body_mode mode) {
  auto doc = parse_json_object(body);
  if (auto* e = std::get_if<api_error>(&doc))
    return *e;
  const json& d = std::get<json>(doc);
  auto it = d.find("headers");
  if (it == d.end())
    return invalid("headers", "headers: required");
  return read_headers(*it, mode == body_mode::patch);
}

parsed<message_in> parse_message(std::string_view body) {
  auto doc = parse_json_object(body);
  if (auto* e = std::get_if<api_error>(&doc))
    return *e;
  const json& d = std::get<json>(doc);
  message_in m;
  const json* type = member(d, "eventType");
  if (type == nullptr || !type->is_string() || !valid_name(type->get<std::string>()))
    return invalid("eventType", "eventType: required, 1–256 characters of a-z, A-Z, 0-9, '-', "
                                "'_' and '.'");
  m.event_type = type->get<std::string>();
  const json* payload = member(d, "payload");
  if (payload == nullptr || !payload->is_object())
    return invalid("payload", "payload: required, a JSON object");
  auto span = member_span(body, "payload");
  if (!span)
    return invalid("payload", "payload: required, a JSON object");
  m.payload = std::string{*span};
  if (const json* id = member(d, "eventId"); id && !id->is_null()) {
    if (!id->is_string() || !valid_name(id->get<std::string>()))
      return invalid("eventId", "eventId: 1–256 characters of a-z, A-Z, 0-9, '-', '_' and '.'");
    m.event_id = id->get<std::string>();
  }
  if (const json* channels = member(d, "channels"); channels && !channels->is_null()) {
    auto names = read_names(*channels, "channels", 1, 10, 128);
    if (auto* e = std::get_if<api_error>(&names))
      return *e;
    m.channels = json(std::get<std::vector<std::string>>(names)).dump();
  }
  if (const json* app = member(d, "application"); app && !app->is_null())
    return invalid("application", "application: creating the application with its first "
                                  "message is not supported by hookd; create it first");
  if (const json* at = member(d, "deliverAt"); at && !at->is_null())
    return invalid("deliverAt", "deliverAt: scheduled messages are not supported by hookd");
  return m;
}

parsed<recover_in> parse_recover(std::string_view body) {
  auto doc = parse_json_object(body);
  if (auto* e = std::get_if<api_error>(&doc))
    return *e;
  const json& d = std::get<json>(doc);
  recover_in r;
  const json* since = member(d, "since");
  if (since == nullptr)
    return invalid("since", "since: required (RFC 3339 time)");
  auto t = read_time(*since, "since");
  if (auto* e = std::get_if<api_error>(&t))
    return *e;
  r.since = std::get<time_point>(t);
  if (const json* until = member(d, "until"); until && !until->is_null()) {
    auto u = read_time(*until, "until");
    if (auto* e = std::get_if<api_error>(&u))
      return *e;
    r.until = std::get<time_point>(u);
  }
  return r;
}

parsed<std::string> parse_rotate(std::string_view body) {
  if (body.empty())
    return std::string{};
  auto doc = parse_json_object(body);
  if (auto* e = std::get_if<api_error>(&doc))
    return *e;
  const json& d = std::get<json>(doc);
  const json* key = member(d, "key");
  if (key == nullptr || key->is_null())
    return std::string{};
  if (!key->is_string())
    return invalid("key", "key: must be a string");
  auto secret = with_secret_prefix(key->get<std::string>());
  if (auto e = check_endpoint_secret(secret, signature_scheme::standard)) {
    e->loc = {"body", "key"};
    return *e;
  }
  return secret;
}

parsed<event_type_in> parse_event_type(std::string_view body) {
  auto doc = parse_json_object(body);
  if (auto* e = std::get_if<api_error>(&doc))
    return *e;
  const json& d = std::get<json>(doc);
  event_type_in t;
  const json* name = member(d, "name");
  if (name == nullptr || !name->is_string() || !valid_name(name->get<std::string>()))
    return invalid("name", "name: required, 1–256 characters of a-z, A-Z, 0-9, '-', '_' and '.'");
  t.name = name->get<std::string>();
  const json* description = member(d, "description");
  if (description == nullptr || !description->is_string() ||
      description->get<std::string>().size() > max_description_length)
    return invalid("description", "description: required, a string of at most " +
                                      std::to_string(max_description_length) + " bytes");
  t.description = description->get<std::string>();
  for (auto [key, out] : {std::pair{"archived", &t.archived}, std::pair{"deprecated", &t.deprecated}})
    if (const json* v = member(d, key); v && !v->is_null()) {
      auto b = read_bool(*v, key);
      if (auto* e = std::get_if<api_error>(&b))
        return *e;
      *out = std::get<bool>(b);
    }
  if (const json* schemas = member(d, "schemas"); schemas && !schemas->is_null()) {
    if (!schemas->is_object())
      return invalid("schemas", "schemas: must be an object");
    t.schemas = schemas->dump();
    if (t.schemas.size() > std::size_t{64} * 1024)
      return invalid("schemas", "schemas: at most 64 KiB");
  }
  return t;
}

parsed<list_query> parse_list_query(const std::map<std::string, std::string>& query) {
  list_query q;
  auto get = [&](const char* name) -> const std::string* {
    auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
  };
  if (const auto* limit = get("limit")) {
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
    if (ec != std::errc{} || end != limit->data() + limit->size() || n < 1 || n > max_list_limit)
      return invalid_query("limit", "limit: must be an integer from 1 to 250");
    q.limit = n;
  }
  if (const auto* it = get("iterator"))
    q.iterator = *it;
  for (auto [name, out] : {std::pair{"before", &q.before}, std::pair{"after", &q.after}})
    if (const auto* v = get(name); v && !v->empty()) {
      auto t = parse_time(*v);
      if (!t)
        return invalid_query(name, std::string{name} + ": must be an RFC 3339 time");
      *out = *t;
    }
  if (const auto* types = get("event_types"); types && !types->empty()) {
    std::string_view rest = *types;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto one = rest.substr(0, comma);
      if (!valid_name(one))
        return invalid_query("event_types", "event_types: each must be 1–256 characters of a-z, "
                                            "A-Z, 0-9, '-', '_' and '.'");
      q.event_types.emplace_back(one);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  if (const auto* channel = get("channel"); channel && !channel->empty()) {
    if (!valid_name(*channel, 128))
      return invalid_query("channel", "channel: 1–128 characters of a-z, A-Z, 0-9, '-', '_' and '.'");
    q.channel = *channel;
  }
  if (const auto* status = get("status"); status && !status->empty()) {
    if (status->size() != 1 || (*status)[0] < '0' || (*status)[0] > '3')
      return invalid_query("status", "status: must be 0 (success), 1 (pending), 2 (fail) or 3 (sending)");
    q.status = (*status)[0] - '0';
  }
  if (const auto* content = get("with_content"); content && !content->empty()) {
    if (*content != "true" && *content != "false")
      return invalid_query("with_content", "with_content: must be true or false");
    q.with_content = *content == "true";
  }
  return q;
}

} // namespace hookd::api::svix

#include "api/svix/svix_shapes.hpp"

#include "policy/time_format.hpp"

namespace hookd::api::svix {
namespace {

json time_or_null(time_point t) { return t == no_time ? json(nullptr) : json(format_time(t)); }

json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

/// Stored JSON text (metadata, channels, schemas) as a value; `fallback` when empty or not
/// JSON (never thrown: the text was checked when it was stored).
json parsed_or(const std::string& text, json fallback) {
  if (text.empty())
    return fallback;
  auto v = json::parse(text, nullptr, false);
  return v.is_discarded() ? fallback : v;
}

} // namespace

json application_out(const store::application_record& app) {
  const json rate = app.rate_limit > 0 ? json(app.rate_limit) : json(nullptr);
  return json{
      {"id", app.id},
      {"uid", text_or_null(app.uid)},
      {"name", app.name},
      {"rateLimit", rate},
      {"throttleRate", rate},
      {"metadata", parsed_or(app.metadata, json::object())},
      {"createdAt", time_or_null(app.created_at)},
      {"updatedAt", time_or_null(app.updated_at)},
  };
}

json endpoint_out(const store::endpoint_record& ep) {
  const json rate = ep.rate_limit_per_s > 0 ? json(static_cast<std::int64_t>(ep.rate_limit_per_s))
                                            : json(nullptr);
  const json types = ep.event_types.empty() ? json(nullptr) : json(ep.event_types);
  return json{
      {"id", ep.id},
      {"uid", text_or_null(ep.tenancy().uid)},
      {"url", ep.url},
      {"description", ep.description},
      {"version", 1},
      {"disabled", ep.status == endpoint_status::disabled},
      {"filterTypes", types},
      {"eventTypes", types},
      {"channels", nullptr},
      {"rateLimit", rate},
      {"throttleRate", rate},
      {"metadata", parsed_or(ep.tenancy().metadata, json::object())},
      {"createdAt", time_or_null(ep.created_at)},
      {"updatedAt", time_or_null(ep.updated_at)},
  };
}

json message_out(const store::message_record& m, bool with_content) {
  json payload = with_content ? parsed_or(m.payload, json::object()) : json::object();
  return json{
      {"id", m.id},
      {"eventType", m.event_type},
      {"eventId", text_or_null(m.event_id)},
      {"channels", parsed_or(m.channels, json(nullptr))},
      {"payload", std::move(payload)},
      {"timestamp", time_or_null(m.created_at)},
  };
}

int attempt_status(attempt_outcome outcome) { return outcome == attempt_outcome::success ? 0 : 2; }

json attempt_out(const store::attempt_record& a, const std::string& url) {
  return json{
      {"id", attempt_id(a.seq, "atmpt_")},
      {"msgId", a.message_id},
      {"endpointId", a.endpoint_id},
      {"url", url},
      {"response", a.response_body},
      {"responseStatusCode", a.status_code},
      {"responseDurationMs", a.elapsed.count()},
      {"status", attempt_status(a.outcome)},
      {"triggerType", 0},
      {"timestamp", time_or_null(a.at)},
  };
}

json headers_out(const store::header_list& headers) {
  json h = json::object();
  for (const auto& [name, value] : headers)
    h[name] = value;
  return json{{"headers", std::move(h)}, {"sensitive", json::array()}};
}

json list_out(json data, const std::optional<std::string>& next) {
  return json{
      {"data", std::move(data)},
      {"iterator", next ? json(*next) : json(nullptr)},
      {"prevIterator", nullptr},
      {"done", !next.has_value()},
  };
}

json event_type_out(const store::event_type_record& t) {
  return json{
      {"name", t.name},
      {"description", t.description},
      {"archived", t.archived},
      {"deprecated", t.deprecated},
      {"schemas", parsed_or(t.schemas, json(nullptr))},
      {"createdAt", time_or_null(t.created_at)},
      {"updatedAt", time_or_null(t.updated_at)},
  };
}

} // namespace hookd::api::svix

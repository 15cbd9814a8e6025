#include "api/resources.hpp"

#include "policy/time_format.hpp"
#include "policy/outcome.hpp"

#include <limits>

namespace hookd::api {
namespace {

json time_or_null(time_point t) { return t == no_time ? json(nullptr) : json(format_time(t)); }

template <class Enum>
json name_or_null(Enum value, Enum none) {
  return value == none ? json(nullptr) : json(std::string{to_string(value)});
}

} // namespace

json success_rate_json(const policy::attempt_counts& counts) {
  const auto rate = counts.success_rate();
  return rate ? json(*rate) : json(nullptr);
}

json endpoint_json(const store::endpoint_record& ep, const store::endpoint_stats& stats,
                   const policy::attempt_counts& last_hour) {
  return json{
    {"id", ep.id},
    {"url", ep.url},
    {"description", ep.description},
    {"event_types", ep.event_types},
    {"status", std::string{to_string(ep.status)}},
    {"disabled_reason", name_or_null(ep.reason, disabled_reason::none)},
    {"signature_scheme", std::string{to_string(ep.scheme)}},
    {"rate_limit_per_s", ep.rate_limit_per_s},
    {"max_concurrency", ep.max_concurrency},
    {"timeout_ms", ep.timeout_ms == 0 ? json(nullptr) : json(ep.timeout_ms)},
    {"application_id", ep.tenancy().application_id.empty() ? json(nullptr) : json(ep.tenancy().application_id)},
    {"created_at", time_or_null(ep.created_at)},
    {"updated_at", time_or_null(ep.updated_at)},
    {"stats",
     {{"pending", stats.pending},
      {"delivered", stats.delivered},
      {"failed", stats.failed},
      {"success_rate_1h", success_rate_json(last_hour)}}},
  };
}

json created_endpoint_json(const store::endpoint_record& ep) {
  json out = endpoint_json(ep, {}, {});
  out["secret"] = ep.secret;
  return out;
}

namespace {

/// {secret, previous_secret, previous_expires_at}: the previous one only while it still counts.
json secrets_json(const std::string& secret, const std::string& previous, time_point expires,
                  time_point now) {
  const bool rotating = !previous.empty() && now < expires;
  return json{
    {"secret", secret},
    {"previous_secret", rotating ? json(previous) : json(nullptr)},
    {"previous_expires_at", rotating ? time_or_null(expires) : json(nullptr)},
  };
}

} // namespace

json secret_json(const store::endpoint_record& ep, time_point now) {
  return secrets_json(ep.secret, ep.previous_secret, ep.previous_secret_expires_at, now);
}

json delivery_json(const store::delivery_record& d) {
  return json{
    {"endpoint_id", d.endpoint_id},
    {"status", std::string{to_string(d.status)}},
    {"reason", name_or_null(d.reason, failure_reason::none)},
    {"attempts", d.attempts},
    {"next_attempt_at", d.status == delivery_status::pending ? time_or_null(d.next_attempt_at)
                                                             : json(nullptr)},
    {"last_status_code", d.last_status_code == 0 ? json(nullptr) : json(d.last_status_code)},
    {"last_error", name_or_null(d.last_error, attempt_error::none)},
  };
}

std::string message_text(const store::message_record& m, std::string_view payload,
                         const std::vector<store::delivery_record>& deliveries) {
  json list = json::array();
  for (const auto& d : deliveries)
    list.push_back(delivery_json(d));
  const json rest{
    {"id", m.id},
    {"event_type", m.event_type},
    {"application_id", m.application_id.empty() ? json(nullptr) : json(m.application_id)},
    {"event_id", m.event_id.empty() ? json(nullptr) : json(m.event_id)},
    {"source_id", m.source_id.empty() ? json(nullptr) : json(m.source_id)},
    {"created_at", time_or_null(m.created_at)},
    {"deliveries", std::move(list)},
  };
  std::string out = rest.dump(-1, ' ', false, json::error_handler_t::replace);
  // rest is a non-empty object: insert the payload before its closing brace.
  out.pop_back();
  out.reserve(out.size() + payload.size() + 13);
  out += ",\"payload\":";
  out += payload;
  out += '}';
  return out;
}

std::string accepted_message_text(const store::message_record& m, std::string_view payload,
                                  const std::vector<std::string>& endpoint_ids) {
  const std::string created = format_time(m.created_at);
  std::string out;
  out.reserve(128 + payload.size() + endpoint_ids.size() * 170);
  out += "{\"id\":";
  out += json(m.id).dump();
  out += ",\"event_type\":";
  out += json(m.event_type).dump(-1, ' ', false, json::error_handler_t::replace);
  out += ",\"application_id\":";
  out += m.application_id.empty() ? "null" : json(m.application_id).dump();
  out += ",\"event_id\":";
  out += m.event_id.empty() ? "null" : json(m.event_id).dump();
  out += ",\"source_id\":";
  out += m.source_id.empty() ? "null" : json(m.source_id).dump();
  out += ",\"created_at\":\"" + created + "\",\"deliveries\":[";
  for (std::size_t i = 0; i < endpoint_ids.size(); ++i) {
    out += i == 0 ? "{\"endpoint_id\":" : ",{\"endpoint_id\":";
    out += json(endpoint_ids[i]).dump();
    out += ",\"status\":\"pending\",\"reason\":null,\"attempts\":0,\"next_attempt_at\":\"";
    out += created;
    out += "\",\"last_status_code\":null,\"last_error\":null}";
  }
  out += "],\"payload\":";
  out += payload;
  out += '}';
  return out;
}

namespace {
constexpr std::string_view base32_alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t attempt_digits = 13;
} // namespace

std::string attempt_id(std::int64_t seq, std::string_view prefix) {
  std::string body(attempt_digits, '0');
  auto v = static_cast<std::uint64_t>(seq);
  for (std::size_t i = body.size(); i-- > 0;) {
    body[i] = base32_alphabet[v & 31];
    v >>= 5;
  }
  return std::string{prefix} + body;
}

std::optional<std::int64_t> attempt_seq_of(std::string_view id, std::string_view prefix) {
  if (!id.starts_with(prefix) || id.size() != prefix.size() + attempt_digits)
    return std::nullopt;
  std::uint64_t v = 0;
  for (char c : id.substr(prefix.size())) {
    const auto digit = base32_alphabet.find(c);
    if (digit == std::string_view::npos || v >> 59 != 0)
      return std::nullopt;
    v = v << 5 | digit;
  }
  if (v == 0 || v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return std::nullopt;
  return static_cast<std::int64_t>(v);
}

json message_summary_json(const store::message_record& m) {
  auto payload = json::parse(m.payload, nullptr, false);
  return json{
    {"id", m.id},
    {"event_type", m.event_type},
    {"application_id", m.application_id.empty() ? json(nullptr) : json(m.application_id)},
    {"event_id", m.event_id.empty() ? json(nullptr) : json(m.event_id)},
    {"source_id", m.source_id.empty() ? json(nullptr) : json(m.source_id)},
    {"created_at", time_or_null(m.created_at)},
    {"payload", payload.is_discarded() ? json(nullptr) : std::move(payload)},
  };
}

json source_json(const store::source_record& src) {
  return json{
    {"id", src.id},
    {"name", src.name},
    {"kind", src.kind},
    {"event_type_from", src.event_type_from.empty() ? json(nullptr) : json(src.event_type_from)},
    {"inbound_path", "/in/" + src.id},
    {"created_at", time_or_null(src.created_at)},
    {"updated_at", time_or_null(src.updated_at)},
  };
}

json created_source_json(const store::source_record& src) {
  json out = source_json(src);
  out["secret"] = src.secret;
  return out;
}

json source_secret_json(const store::source_record& src, time_point now) {
  return secrets_json(src.secret, src.previous_secret, src.previous_secret_expires_at, now);
}

json application_json(const store::application_record& app) {
  auto metadata = json::parse(app.metadata, nullptr, false);
  return json{
    {"id", app.id},
    {"uid", app.uid.empty() ? json(nullptr) : json(app.uid)},
    {"name", app.name},
    {"rate_limit", app.rate_limit == 0 ? json(nullptr) : json(app.rate_limit)},
    {"metadata", metadata.is_discarded() ? json::object() : std::move(metadata)},
    {"created_at", time_or_null(app.created_at)},
    {"updated_at", time_or_null(app.updated_at)},
  };
}

json attempt_json(const store::attempt_record& a) {
  return json{
    {"id", attempt_id(a.seq)},
    {"message_id", a.message_id},
    {"endpoint_id", a.endpoint_id},
    {"at", time_or_null(a.at)},
    {"outcome", std::string{to_string(a.outcome)}},
    {"status_code", a.status_code == 0 ? json(nullptr) : json(a.status_code)},
    {"duration_ms", a.elapsed.count()},
    {"error", name_or_null(a.error, attempt_error::none)},
    {"error_detail", a.error_detail.empty() ? json(nullptr) : json(a.error_detail)},
    {"response_body", a.response_body},
  };
}

json list_json(json data, const std::optional<std::string>& next_cursor) {
  return json{{"data", std::move(data)},
              {"next_cursor", next_cursor ? json(*next_cursor) : json(nullptr)}};
}

} // namespace hookd::api

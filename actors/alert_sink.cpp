#include "actors/alert_sink.hpp"

#include "actors/engine_context.hpp"
#include "policy/time_format.hpp"

#include <nlohmann/json.hpp>

namespace hookd {

std::optional<store::endpoint_record> alert_endpoint(const config::config& cfg, time_point now) {
  if (cfg.alerts.alert_url.empty())
    return std::nullopt;
  store::endpoint_record ep;
  ep.id = alert_endpoint_id;
  ep.url = cfg.alerts.alert_url;
  ep.description = "hookd alerts (alerts.alert_url)";
  ep.secret = cfg.alerts.alert_secret; // empty: alerts go unsigned
  ep.max_concurrency = 4;
  ep.created_at = ep.updated_at = now;
  return ep;
}

submit_message alert_message(const alert_event& a, const std::string& node_id) {
  const nlohmann::ordered_json payload{
      {"type", "hookd.alert"},
      {"kind", a.kind},
      {"node_id", node_id.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(node_id)},
      {"endpoint_id", a.endpoint_id.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(a.endpoint_id)},
      {"message_id", a.message_id.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(a.message_id)},
      {"text", a.text},
      {"at", format_time(a.at)},
  };
  submit_message msg;
  msg.event_type = "hookd.alert." + a.kind;
  msg.payload = payload.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  msg.endpoint_id = alert_endpoint_id;
  return msg;
}

} // namespace hookd

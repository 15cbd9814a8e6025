#pragma once
// Alerts to `alerts.alert_url` travel the same way as every webhook: as messages to an internal
// endpoint (alert_endpoint_id), stored, signed with `alerts.alert_secret` (Standard Webhooks)
// and retried. These helpers build that endpoint and those messages.
#include "config/config.hpp"
#include "messages/ingest.hpp"
#include "messages/lifecycle.hpp"
#include "store/records.hpp"

#include <optional>

namespace hookd {

/// The alert endpoint for the configuration; nullopt when no alert_url is set.
std::optional<store::endpoint_record> alert_endpoint(const config::config& cfg, time_point now);

/// The message that carries one alert (event type "hookd.alert.<kind>", JSON payload).
submit_message alert_message(const alert_event& a, const std::string& node_id = {});

} // namespace hookd

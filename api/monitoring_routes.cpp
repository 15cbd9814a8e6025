// /v1/stats (the dashboard's data), /v1/alerts and /metrics (Prometheus).
#include "api/api_actor.hpp"
#include "api/resources.hpp"
#include "metrics/exposition.hpp"
#include "policy/time_format.hpp"

#include <charconv>

namespace hookd::api {
namespace {

constexpr std::size_t top_failing = 10;
constexpr std::size_t alerts_in_stats = 10;

json window_json(const policy::attempt_counts& c) {
  return json{{"attempts", c.total()},
              {"succeeded", c.succeeded},
              {"failed", c.failed},
              {"success_rate", success_rate_json(c)}};
}

json alert_json(const alert_event& a) {
  return json{{"kind", a.kind},
              {"endpoint_id", a.endpoint_id.empty() ? json(nullptr) : json(a.endpoint_id)},
              {"message_id", a.message_id.empty() ? json(nullptr) : json(a.message_id)},
              {"text", a.text},
              {"at", format_time(a.at)}};
}

json failing_json(const metrics::failing_endpoint& f) {
  return json{
      {"id", f.endpoint_id},
      {"url", f.url},
      {"failed_1h", f.failed_1h},
      {"succeeded_1h", f.succeeded_1h},
      {"success_rate_1h", success_rate_json({f.succeeded_1h, f.failed_1h})},
      {"last_status_code", f.last_status_code == 0 ? json(nullptr) : json(f.last_status_code)},
      {"last_error", std::string{to_string(f.last_error)}},
      {"last_error_detail", f.last_error_detail.empty() ? json(nullptr) : json(f.last_error_detail)},
      {"last_message_id", f.last_message_id},
      {"last_failure_at", format_time(f.last_failure_at)},
  };
}

json application_counts_json(const store::application_counts& c) {
  return json{{"id", c.application_id},
              {"endpoints", {{"enabled", c.endpoints_enabled}, {"disabled", c.endpoints_disabled}}},
              {"pending", c.pending},
              {"delivered", c.delivered},
              {"failed", c.failed}};
}

json stats_json(const engine_context& ctx, time_point now, const store::store_counts& counts,
                const std::vector<store::application_counts>& applications,
                const std::vector<alert_event>& alerts) {
  const auto& m = *ctx.metrics;
  json throughput = json::array();
  for (const auto& minute : m.windows.per_minute(now))
    throughput.push_back(json{{"minute", format_time(minute.start)},
                              {"succeeded", minute.succeeded},
                              {"failed", minute.failed}});
  json failing = json::array();
  for (const auto& f : ctx.failures->most_failing(now, top_failing))
    failing.push_back(failing_json(f));
  json recent = json::array();
  for (const auto& a : alerts)
    recent.push_back(alert_json(a));
  json per_application = json::array();
  for (const auto& a : applications)
    per_application.push_back(application_counts_json(a));
  // Requests to /in/ since start, per source: {"source", "requests": {result: count}}.
  json inbound = json::array();
  for (const auto& row : m.inbound.read()) {
    if (inbound.empty() || inbound.back()["source"] != row.source)
      inbound.push_back(json{{"source", row.source}, {"requests", json::object()}});
    inbound.back()["requests"][std::string{metrics::to_string(row.result)}] = row.value;
  }
  std::uint64_t failed = 0;
  for (const auto& c : m.deliveries_failed)
    failed += c.value();
  const auto& due = counts.pending_by_due;
  return json{
      {"generated_at", format_time(now)},
      {"uptime_s", std::chrono::duration_cast<std::chrono::seconds>(now - ctx.started_at).count()},
      {"totals",
       {{"messages_accepted", m.messages_accepted.value()},
        {"attempts",
         {{"success", m.attempts[static_cast<std::size_t>(attempt_outcome::success)].value()},
          {"failure", m.attempts[static_cast<std::size_t>(attempt_outcome::failure)].value()},
          {"permanent", m.attempts[static_cast<std::size_t>(attempt_outcome::permanent)].value()}}},
        {"deliveries", {{"delivered", m.deliveries_delivered.value()}, {"failed", failed}}},
        {"retries_scheduled", m.retries_scheduled.value()}}},
      {"windows",
       {{"5m", window_json(m.windows.last_5m(now))},
        {"1h", window_json(m.windows.last_1h(now))},
        {"24h", window_json(m.windows.last_24h(now))}}},
      {"throughput", std::move(throughput)},
      {"pending", counts.pending},
      {"in_flight", m.attempts_in_flight.value()},
      {"retry_backlog", {{"now", due[0]}, {"1m", due[1]}, {"10m", due[2]}, {"1h", due[3]}, {"later", due[4]}}},
      {"endpoints", {{"enabled", counts.endpoints_enabled}, {"disabled", counts.endpoints_disabled}}},
      {"applications", std::move(per_application)},
      {"inbound", std::move(inbound)},
      {"failing_endpoints", std::move(failing)},
      {"alerts", std::move(recent)},
  };
}

/// Reads the stored counts, then runs `then(counts)`.
template <class Then>
void with_counts(api_actor_ptr self, const call_ptr& call, Then then) {
  self->request(self->state.deps.reader, caf::infinite, counts_query{now(self)})
      .then([=](store::store_counts& c) mutable { then(c); },
            [=](caf::error& e) { respond_error(*call, e); });
}

void stats(api_actor_ptr self, const call_ptr& call) {
  with_counts(self, call, [=](store::store_counts& counts) {
    self->request(self->state.deps.reader, caf::infinite, application_counts_query{})
        .then(
            [=](std::vector<store::application_counts>& applications) {
              self->request(self->state.deps.supervisor, caf::infinite, alerts_query{alerts_in_stats})
                  .then(
                      [=](std::vector<alert_event>& alerts) {
                        respond_json(*call, 200, stats_json(*self->state.deps.ctx, now(self), counts,
                                                            applications, alerts));
                      },
                      [=](caf::error& e) { respond_error(*call, e); });
            },
            [=](caf::error& e) { respond_error(*call, e); });
  });
}

void alerts(api_actor_ptr self, const call_ptr& call) {
  std::size_t limit = 50;
  if (auto it = call->route.query.find("limit"); it != call->route.query.end()) {
    const auto& s = it->second;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), limit);
    if (ec != std::errc{} || end != s.data() + s.size() || limit < 1 || limit > 200)
      return respond_error(*call, api_error::malformed("limit must be an integer from 1 to 200"));
  }
  self->request(self->state.deps.supervisor, caf::infinite, alerts_query{limit})
      .then(
          [=](std::vector<alert_event>& list) {
            json data = json::array();
            for (const auto& a : list)
              data.push_back(alert_json(a));
            respond_json(*call, 200, list_json(std::move(data), std::nullopt));
          },
          [=](caf::error& e) { respond_error(*call, e); });
}

/// The membership actor did not answer (it is blocked on an unreachable database).
api_error membership_unavailable() {
  return api_error::unavailable("cluster_unavailable",
                                "the cluster membership did not answer; retry later");
}

void metrics_text(api_actor_ptr self, const call_ptr& call) {
  with_counts(self, call, [=](store::store_counts& counts) {
    auto render = [=](std::optional<metrics::cluster_figures> cluster) {
      const auto& ctx = *self->state.deps.ctx;
      respond_content(*call, 200, metrics::exposition_content_type,
                      metrics::render_prometheus(*ctx.metrics, counts,
                                                 ctx.failures->most_failing(now(self), top_failing),
                                                 cluster));
    };
    if (!self->state.deps.membership)
      return render(std::nullopt);
    self->request(self->state.deps.membership, std::chrono::seconds{5}, cluster_query{})
        .then(
            [=](cluster_view& v) {
              render(metrics::cluster_figures{
                  static_cast<std::int64_t>(v.nodes.size()),
                  self->state.deps.ctx->endpoints_owned->load(),
                  static_cast<std::int64_t>(v.partitions_owned), v.leader});
            },
            [=](caf::error&) { respond_error(*call, membership_unavailable()); });
  });
}

json node_json(const store::cluster_node& n) {
  return json{{"node_id", n.node_id},
              {"started_at", format_time(n.started_at)},
              {"last_heartbeat_at", format_time(n.last_heartbeat_at)},
              {"endpoints_owned", n.endpoints_owned},
              {"version", n.version}};
}

/// GET /v1/cluster: this node and the live ones as of its last heartbeat. One node (SQLite):
/// mode "single", no node id, no nodes.
void cluster(api_actor_ptr self, const call_ptr& call) {
  if (!self->state.deps.membership)
    return respond_json(*call, 200,
                        json{{"mode", "single"}, {"node_id", nullptr}, {"leader", true},
                             {"nodes", json::array()}});
  self->request(self->state.deps.membership, std::chrono::seconds{5}, cluster_query{})
      .then(
          [=](cluster_view& v) {
            json nodes = json::array();
            for (const auto& n : v.nodes)
              nodes.push_back(node_json(n));
            respond_json(*call, 200,
                         json{{"mode", "cluster"},
                              {"node_id", v.node_id},
                              {"leader", v.leader},
                              {"partitions_owned", v.partitions_owned},
                              {"endpoints_owned", self->state.deps.ctx->endpoints_owned->load()},
                              {"nodes", std::move(nodes)}});
          },
          [=](caf::error&) { respond_error(*call, membership_unavailable()); });
}

} // namespace

void handle_monitoring_route(api_actor_ptr self, const call_ptr& call) {
  switch (call->route.id) {
    case route::stats: return stats(self, call);
    case route::alerts: return alerts(self, call);
    case route::cluster: return cluster(self, call);
    case route::metrics: return metrics_text(self, call);
    default: return respond_error(*call, api_error::internal("not a monitoring route"));
  }
}

} // namespace hookd::api

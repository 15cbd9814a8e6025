#include "actors/supervisor.hpp"

#include "actors/alert_sink.hpp"
#include "logging/logger.hpp"
#include "messages/errors.hpp"
#include "policy/retry_rate_rule.hpp"

#include <caf/all.hpp>

#include <deque>
#include <unordered_map>
#include <unordered_set>

namespace hookd {

duration restart_delay(std::size_t recent) {
  if (recent <= 3)
    return duration{0};
  const auto exponent = std::min<std::size_t>(recent - 4, 6);
  return std::min<duration>(std::chrono::seconds{1} * (1 << exponent), std::chrono::seconds{60});
}

namespace {

constexpr duration restart_memory = std::chrono::minutes{1};
constexpr std::size_t recent_alerts_kept = 200;
constexpr duration retry_rate_check = std::chrono::seconds{10};
constexpr duration first_disable_retry = std::chrono::milliseconds{100};
constexpr duration max_disable_retry = std::chrono::seconds{5};

struct supervisor_state {
  static inline const char* name = "hookd.supervisor";
  supervisor_deps deps;
  dispatcher_actor dispatcher;
  std::unordered_map<caf::actor_addr, std::string> watched;
  std::unordered_map<std::string, std::deque<time_point>> restarts;
  std::unordered_set<std::string> disabling; ///< disables being persisted (dedupe)
  /// Disables the store failed, by endpoint: the delay before the next try.
  std::unordered_map<std::string, duration> disable_retry;
  std::deque<alert_event> recent;            ///< newest first
  std::optional<policy::retry_rate_rule> retry_rate;
  std::shared_ptr<spdlog::logger> log = logging::get("engine");
};

using supervisor_ptr = supervisor_actor::stateful_pointer<supervisor_state>;

time_point now(supervisor_ptr self) {
  return self->state.deps.ctx->clock.now(self->clock());
}

std::optional<metrics::alert_kind> kind_of(const std::string& name) {
  for (std::size_t i = 0; i < metrics::alert_kinds; ++i)
    if (metrics::to_string(static_cast<metrics::alert_kind>(i)) == name)
      return static_cast<metrics::alert_kind>(i);
  return std::nullopt;
}

/// Every alert goes to the log, the metrics and the recent list, and — when alert_url is set
/// and the alert is not about the alert sink itself (no loops) — out as a webhook.
void raise_alert(supervisor_ptr self, alert_event a) {
  auto& st = self->state;
  if (a.at == no_time)
    a.at = now(self);
  st.log->warn("alert kind={} endpoint={} message={} text={}", a.kind, a.endpoint_id,
               a.message_id.empty() ? "-" : a.message_id, a.text);
  if (auto kind = kind_of(a.kind))
    st.deps.ctx->metrics->alerts[static_cast<std::size_t>(*kind)].inc();
  st.recent.push_front(a);
  if (st.recent.size() > recent_alerts_kept)
    st.recent.pop_back();
  if (st.deps.ctx->cfg->alerts.alert_url.empty() || a.endpoint_id == alert_endpoint_id || !st.dispatcher)
    return;
  self->request(st.dispatcher, caf::infinite, alert_message(a, st.deps.ctx->node_id))
      .then([](submit_result&) {},
            [=](caf::error& e) {
              self->state.log->error("alert not queued for alert_url: {}", describe(e));
            });
}

void check_retry_rate(supervisor_ptr self) {
  auto& st = self->state;
  const time_point t = now(self);
  const auto& ctx = *st.deps.ctx;
  // Cluster mode: one rule for the cluster, on the leader, over every node's attempts.
  if (!ctx.node_id.empty() && !ctx.leader->load()) {
    self->delayed_send(self, retry_rate_check, tick_atom_v);
    return;
  }
  const auto counts = ctx.node_id.empty() ? ctx.metrics->windows.last_5m(t)
                                          : ctx.cluster_attempts_5m->get();
  switch (st.retry_rate->evaluate(counts)) {
    case policy::retry_rate_rule::change::started:
      raise_alert(self, alert_event{"high_retry_rate", "", "",
                                    std::to_string(counts.failed) + " of " +
                                        std::to_string(counts.total()) +
                                        " attempts failed in the last 5 minutes",
                                    t});
      break;
    case policy::retry_rate_rule::change::ended:
      st.log->info("retry rate back to normal: {} of {} attempts failed in the last 5 minutes",
                   counts.failed, counts.total());
      break;
    case policy::retry_rate_rule::change::none:
      break;
  }
  self->delayed_send(self, retry_rate_check, tick_atom_v);
}

void on_crash(supervisor_ptr self, const std::string& endpoint_id, const caf::actor_addr& addr,
              const caf::error& reason) {
  auto& st = self->state;
  const time_point t = now(self);
  auto& history = st.restarts[endpoint_id];
  history.push_back(t);
  while (!history.empty() && t - history.front() > restart_memory)
    history.pop_front();
  const duration delay = restart_delay(history.size());
  st.log->error("endpoint actor crashed endpoint={} reason={} restart_in_ms={}", endpoint_id,
                caf::to_string(reason), delay.count());
  raise_alert(self, alert_event{"actor_crashed", endpoint_id, "",
                                "endpoint actor crashed (" + caf::to_string(reason) +
                                    "); re-created from the store",
                                t});
  if (!st.dispatcher)
    return;
  if (delay == duration{0})
    self->send(st.dispatcher, endpoint_crashed{endpoint_id, addr});
  else
    self->delayed_send(st.dispatcher, delay, endpoint_crashed{endpoint_id, addr});
}

void disable(supervisor_ptr self, disable_endpoint& req) {
  auto& st = self->state;
  if (!st.dispatcher)
    return; // not wired yet: no endpoint actor can have asked
  if (!st.disabling.insert(req.endpoint_id).second)
    return; // already being disabled (two permanent answers in flight at once)
  // The dispatcher owns every status change (store, registry, actor, metrics, log line); the
  // alert is the supervisor's part.
  set_endpoint_status_cmd cmd{req.endpoint_id, endpoint_status::disabled, req.reason,
                              failure_reason::endpoint_disabled, now(self), true,
                              req.message_id, req.detail};
  self->request(st.dispatcher, caf::infinite, std::move(cmd))
      .then(
          [=](std::size_t) {
            self->state.disabling.erase(req.endpoint_id);
            self->state.disable_retry.erase(req.endpoint_id);
            raise_alert(self,
                        alert_event{"endpoint_disabled", req.endpoint_id, req.message_id,
                                    "endpoint disabled (" + std::string{to_string(req.reason)} +
                                        "): " + req.detail,
                                    now(self)});
          },
          [=](caf::error& e) {
            auto& st = self->state;
            st.disabling.erase(req.endpoint_id);
            if (code_of(e) != static_cast<std::uint8_t>(errc::store_failed)) {
              st.disable_retry.erase(req.endpoint_id);
              return; // deleted meanwhile (nothing left to disable), or shutting down
            }
            // The endpoint actor has stopped already: the store must learn it too, or memory
            // (disabled) and disk (enabled) disagree until a restart. Retried until it lands.
            auto [it, first] = st.disable_retry.try_emplace(req.endpoint_id, first_disable_retry);
            const duration delay = it->second;
            it->second = std::min<duration>(delay * 2, max_disable_retry);
            st.log->warn("could not persist disable endpoint={} retry_in_ms={}: {}",
                         req.endpoint_id, delay.count(), describe(e));
            if (first)
              raise_alert(self, alert_event{"store_error", req.endpoint_id, req.message_id,
                                            "could not persist disable (retrying): " + describe(e),
                                            now(self)});
            self->delayed_send(self, delay, req);
          });
}

supervisor_actor::behavior_type supervisor(supervisor_ptr self, supervisor_deps deps) {
  self->state.deps = std::move(deps);
  const auto& alerts_cfg = self->state.deps.ctx->cfg->alerts;
  self->state.retry_rate.emplace(alerts_cfg.retry_ratio, static_cast<std::uint64_t>(alerts_cfg.min_attempts));
  self->delayed_send(self, retry_rate_check, tick_atom_v);
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    auto it = st.watched.find(msg.source);
    if (it == st.watched.end())
      return;
    const std::string endpoint_id = std::move(it->second);
    st.watched.erase(it);
    const bool clean = !msg.reason || msg.reason == caf::exit_reason::normal ||
                       msg.reason == caf::exit_reason::user_shutdown;
    if (!clean)
      on_crash(self, endpoint_id, msg.source, msg.reason);
  });
  return {
      [=](dispatcher_actor& d) { self->state.dispatcher = std::move(d); },
      [=](watch_endpoint& w) {
        self->state.watched[w.actor.address()] = w.endpoint_id;
        self->monitor(w.actor);
      },
      [=](disable_endpoint& req) { disable(self, req); },
      [=](alert_event& a) { raise_alert(self, a); },
      [=](tick_atom) { check_retry_rate(self); },
      [=](const alerts_query& q) {
        const auto& recent = self->state.recent;
        const auto n = std::min(q.limit, recent.size());
        return std::vector<alert_event>(recent.begin(), recent.begin() + static_cast<long>(n));
      },
  };
}

} // namespace

supervisor_actor spawn_supervisor(caf::actor_system& sys, supervisor_deps deps) {
  return sys.spawn(supervisor, std::move(deps));
}

} // namespace hookd

#include "actors/supervisor.hpp"

#include "logging/logger.hpp"
#include "messages/errors.hpp"

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

struct supervisor_state {
  static inline const char* name = "hookd.supervisor";
  supervisor_deps deps;
  dispatcher_actor dispatcher;
  std::unordered_map<caf::actor_addr, std::string> watched;
  std::unordered_map<std::string, std::deque<time_point>> restarts;
  std::unordered_set<std::string> disabling; ///< disables being persisted (dedupe)
  std::shared_ptr<spdlog::logger> log = logging::get("engine");
};

using supervisor_ptr = supervisor_actor::stateful_pointer<supervisor_state>;

time_point now(supervisor_ptr self) {
  return self->state.deps.ctx->clock.now(self->clock());
}

void raise_alert(supervisor_ptr self, const alert_event& a) {
  self->state.log->warn("alert kind={} endpoint={} message={} text={}", a.kind, a.endpoint_id,
                        a.message_id.empty() ? "-" : a.message_id, a.text);
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
  if (!st.disabling.insert(req.endpoint_id).second)
    return; // already being disabled (two permanent answers in flight at once)
  const time_point t = now(self);
  set_endpoint_status_cmd cmd{req.endpoint_id, endpoint_status::disabled, req.reason,
                              failure_reason::endpoint_disabled, t};
  self->request(st.deps.writer, caf::infinite, std::move(cmd))
      .then(
          [=](std::size_t failed) {
            auto& st = self->state;
            st.disabling.erase(req.endpoint_id);
            st.log->warn("endpoint disabled endpoint={} reason={} message={} detail={} "
                         "pending_failed={}",
                         req.endpoint_id, to_string(req.reason), req.message_id, req.detail,
                         failed);
            if (st.dispatcher)
              self->send(
                  st.dispatcher,
                  endpoint_status_changed{req.endpoint_id, endpoint_status::disabled, req.reason});
            raise_alert(self,
                        alert_event{"endpoint_disabled", req.endpoint_id, req.message_id,
                                    "endpoint disabled (" + std::string{to_string(req.reason)} +
                                        "): " + req.detail,
                                    now(self)});
          },
          [=](caf::error& e) {
            auto& st = self->state;
            st.disabling.erase(req.endpoint_id);
            raise_alert(self, alert_event{"store_error", req.endpoint_id, req.message_id,
                                          "could not persist disable: " + describe(e), now(self)});
          });
}

supervisor_actor::behavior_type supervisor(supervisor_ptr self, supervisor_deps deps) {
  self->state.deps = std::move(deps);
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
  };
}

} // namespace

supervisor_actor spawn_supervisor(caf::actor_system& sys, supervisor_deps deps) {
  return sys.spawn(supervisor, std::move(deps));
}

} // namespace hookd

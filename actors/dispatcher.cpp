#include "actors/dispatcher_state.hpp"
#include "actors/alert_sink.hpp"
#include "messages/errors.hpp"

#include <algorithm>
#include <functional>

namespace hookd {
namespace dispatch {

// -- endpoint actors ---------------------------------------------------------------------------

live_endpoint& spawn_for(dispatcher_ptr self, const store::endpoint_record& ep, bool recover,
                         std::optional<delivery::endpoint_memento> resume) {
  auto& st = self->state;
  const auto& dests = st.deps.destinations;
  endpoint_deps deps{st.deps.ctx,
                     st.deps.writer,
                     st.deps.reader,
                     st.deps.supervisor,
                     self,
                     dests[std::hash<std::string>{}(ep.id) % dests.size()],
                     st.owned.lease_of(ep.id).value_or(store::lease_token{})};
  auto actor = spawn_endpoint(self->home_system(), std::move(deps), ep, recover, resume);
  self->send(st.deps.supervisor, watch_endpoint{ep.id, caf::actor_cast<caf::actor>(actor)});
  auto& entry = st.live[ep.id];
  entry = live_endpoint{std::move(actor), 0};
  return entry;
}

live_endpoint* actor_for(dispatcher_ptr self, const std::string& endpoint_id) {
  auto& st = self->state;
  if (auto it = st.live.find(endpoint_id); it != st.live.end())
    return &it->second;
  // While shutting down no new actor starts attempts nobody would wait for: the deliveries are
  // committed, and the next start recovers them.
  if (st.shutting_down)
    return nullptr;
  // Cluster mode: another node owns it (its owner heard of the work through the store).
  if (!st.owned.owns(endpoint_id))
    return nullptr;
  const auto* ep = st.registry.find(endpoint_id);
  if (ep == nullptr)
    return nullptr;
  // A parked endpoint has pending deliveries in the store: its new actor recovers them too. So
  // does every new actor in cluster mode: its endpoint's backlog may have been written by
  // another node (a partition just taken over), and routed work can reach it first.
  auto memento = st.parked.unpark(endpoint_id);
  return &spawn_for(self, *ep, memento.has_value() || st.owned.clustered(), memento);
}

namespace {

/// Sends each endpoint's jobs to its actor (see route).
void send_jobs(dispatcher_ptr self,
               std::unordered_map<std::string, std::vector<delivery_job>>& by_endpoint,
               bool expedite) {
  for (auto& [endpoint_id, jobs] : by_endpoint) {
    auto* live = actor_for(self, endpoint_id);
    if (live == nullptr) // deleted meanwhile; the store failed its deliveries
      continue;
    expedite_deliveries now_due;
    if (expedite)
      for (const auto& job : jobs)
        now_due.delivery_ids.push_back(job.delivery_id);
    ++live->sent;
    self->send(live->actor, deliver_jobs{std::move(jobs)});
    if (expedite)
      self->send(live->actor, std::move(now_due));
  }
}

} // namespace

void route(dispatcher_ptr self, std::vector<store::delivery_record>& deliveries,
           const payload& body, bool expedite) {
  std::unordered_map<std::string, std::vector<delivery_job>> by_endpoint;
  for (auto& d : deliveries)
    by_endpoint[d.endpoint_id].push_back(job_from(d, body));
  send_jobs(self, by_endpoint, expedite);
}

void route(dispatcher_ptr self, std::vector<store::delivery_record>& deliveries,
           const std::vector<payload_entry>& bodies) {
  std::unordered_map<std::int64_t, const payload*> body_of;
  for (const auto& b : bodies)
    body_of.emplace(b.message_seq, &b.body);
  static const payload none;
  std::unordered_map<std::string, std::vector<delivery_job>> by_endpoint;
  for (auto& d : deliveries) {
    auto it = body_of.find(d.message_seq);
    by_endpoint[d.endpoint_id].push_back(job_from(d, it == body_of.end() ? none : *it->second));
  }
  send_jobs(self, by_endpoint, false);
}

// -- ingest ------------------------------------------------------------------------------------

caf::error named_endpoint_error(caf::error e, const std::string& endpoint_id) {
  switch (static_cast<errc>(code_of(e))) {
    case errc::store_missing: return make_error(errc::unknown_endpoint, "no endpoint " + endpoint_id);
    case errc::endpoint_disabled:
      return make_error(errc::endpoint_disabled, "endpoint " + endpoint_id + " is disabled");
    default: return e;
  }
}

caf::error refuse_ingest(dispatcher_ptr self) {
  auto& st = self->state;
  if (st.shutting_down)
    return make_error(errc::shutting_down, "hookd is shutting down");
  if (!st.ready)
    return make_error(errc::not_ready, "hookd is still recovering");
  // Bounded ingest: when the store falls behind, producers are told to back off instead of
  // messages piling up in memory.
  if (st.storing >= st.deps.ctx->cfg->server.max_ingest_backlog)
    return make_error(errc::overloaded, std::to_string(st.storing) + " messages are being stored; retry shortly");
  return {};
}

std::variant<insert_message_cmd, caf::error> prepare_insert(dispatcher_ptr self, submit_message& msg,
                                                            time_point t) {
  auto& st = self->state;
  std::vector<std::string> targets;
  if (!msg.endpoint_id.empty()) {
    // Cluster mode: an endpoint created, enabled or disabled through another node reaches this
    // registry with that node's announcement, a moment later. The store checks the endpoint in
    // the insert's own transaction instead (missing: 404, disabled: 409).
    if (!st.owned.clustered()) {
      const auto* ep = st.registry.find(msg.endpoint_id);
      if (ep == nullptr ||
          (!msg.application_id.empty() && ep->tenancy().application_id != msg.application_id))
        return make_error(errc::unknown_endpoint, "no endpoint " + msg.endpoint_id);
      if (ep->status != endpoint_status::enabled)
        return make_error(errc::endpoint_disabled, "endpoint " + msg.endpoint_id + " is disabled");
    }
    targets.push_back(msg.endpoint_id);
  } else if (!st.owned.clustered()) {
    // (Cluster mode: the store fans the message out from the endpoints table in the insert,
    // since this registry may not have heard yet of an endpoint created through another node.)
    targets = st.registry.subscribers(msg.application_id, msg.event_type);
    std::erase(targets, alert_endpoint_id); // the alert sink only gets alerts
  }
  insert_message_cmd cmd;
  cmd.message.id = msg.message_id.empty() ? st.ids.next("msg_", t) : std::move(msg.message_id);
  cmd.message.event_type = std::move(msg.event_type);
  cmd.message.payload = std::move(msg.payload);
  cmd.message.created_at = t;
  cmd.message.application_id = std::move(msg.application_id);
  cmd.message.event_id = std::move(msg.event_id);
  cmd.message.channels = std::move(msg.channels);
  cmd.message.source_id = std::move(msg.source_id);
  cmd.endpoints_named = !msg.endpoint_id.empty();
  if (!msg.idempotency_key.empty())
    cmd.idempotency = store::idempotency_record{std::move(msg.idempotency_key),
                                                std::move(msg.request_hash), cmd.message.id, t};
  for (auto& endpoint_id : targets) {
    store::delivery_record d;
    d.message_id = cmd.message.id;
    d.endpoint_id = std::move(endpoint_id);
    d.next_attempt_at = t;
    d.created_at = t;
    d.updated_at = t;
    cmd.deliveries.push_back(std::move(d));
  }
  return cmd;
}

submit_result accept_inserted(dispatcher_ptr self, message_inserted& done) {
  self->state.deps.ctx->metrics->messages_accepted.inc();
  payload body{std::move(done.message.payload)};
  submit_result result;
  for (const auto& d : done.deliveries)
    result.endpoint_ids.push_back(d.endpoint_id);
  route(self, done.deliveries, body);
  result.message = std::move(done.message);
  result.body = std::move(body);
  return result;
}

namespace {

caf::result<submit_result> submit(dispatcher_ptr self, submit_message& msg) {
  auto& st = self->state;
  if (auto refused = refuse_ingest(self))
    return refused;
  auto prepared = prepare_insert(self, msg, now(self));
  if (auto* e = std::get_if<caf::error>(&prepared))
    return std::move(*e);
  guarded_promise<submit_result> rp{self};
  ++st.storing;
  self->request(st.deps.writer, caf::infinite, std::move(std::get<insert_message_cmd>(prepared)))
      .then(
          [=](message_inserted& done) mutable {
            --self->state.storing;
            rp.deliver(accept_inserted(self, done));
          },
          [=, named = msg.endpoint_id](caf::error& e) mutable {
            --self->state.storing;
            rp.deliver(named.empty() ? std::move(e) : named_endpoint_error(std::move(e), named));
          });
  return rp;
}

// -- life cycle --------------------------------------------------------------------------------

/// Puts the alert endpoint in line with alerts.alert_url (created, updated, or removed).
void configure_alert_sink(dispatcher_ptr self) {
  auto& st = self->state;
  auto wanted = alert_endpoint(*st.deps.ctx->cfg, now(self));
  const auto* current = st.registry.find(alert_endpoint_id);
  if (!wanted) {
    if (current != nullptr) {
      st.registry.remove(alert_endpoint_id);
      self->request(st.deps.writer, caf::infinite, delete_endpoint_cmd{alert_endpoint_id, now(self)})
          .then([](std::size_t) {}, [=](caf::error& e) { self->state.log->error("alert sink: {}", describe(e)); });
    }
    return;
  }
  if (current != nullptr) // same endpoint, enabled again at each start with the configured URL
    wanted->created_at = current->created_at;
  if (wanted->secret.empty())
    st.log->warn("alerts.alert_secret is empty: alerts to {} go unsigned", wanted->url);
  st.registry.put(*wanted);
  // Not awaited: the writer applies commands in order, so it is stored before any alert.
  self->request(st.deps.writer, caf::infinite, put_endpoint_cmd{std::move(*wanted)})
      .then([](store::endpoint_record&) {},
            [=](caf::error& e) { self->state.log->error("alert sink: {}", describe(e)); });
}

/// Pending deliveries of an endpoint that no longer exists (left by a hookd before the insert
/// checked its endpoint inside the transaction) become failed/endpoint_deleted, so they stop
/// holding their messages back from the purge.
void fail_orphaned(dispatcher_ptr self, const std::string& endpoint_id) {
  self->request(self->state.deps.writer, caf::infinite,
                delete_endpoint_cmd{endpoint_id, now(self), false})
      .then(
          [=](std::size_t failed) {
            self->state.deps.ctx->metrics->deliveries_failed[static_cast<std::size_t>(failure_reason::endpoint_deleted)].inc(failed);
            self->state.log->warn("deleted endpoint had pending deliveries endpoint={} pending_failed={}",
                                  endpoint_id, failed);
          },
          [=](caf::error& e) { self->state.log->error("pending deliveries of deleted endpoint {}: {}", endpoint_id, describe(e)); });
}

} // namespace

std::size_t spawn_pending(dispatcher_ptr self, const std::vector<std::string>& with_pending,
                          const std::vector<std::uint32_t>* parts) {
  auto& st = self->state;
  std::size_t known = 0;
  for (const auto& id : with_pending) {
    if (!st.owned.owns(id))
      continue; // cluster mode: another node's
    if (parts != nullptr && std::find(parts->begin(), parts->end(), policy::partition_of(id)) ==
                                parts->end())
      continue;
    const auto* ep = st.registry.find(id);
    if (ep == nullptr) {
      fail_orphaned(self, id);
      continue;
    }
    ++known;
    if (!st.live.contains(id))
      spawn_for(self, *ep, true, st.parked.unpark(id));
  }
  return known;
}

namespace {

caf::result<std::size_t> recover(dispatcher_ptr self) {
  guarded_promise<std::size_t> rp{self};
  auto& st = self->state;
  self->request(st.deps.reader, caf::infinite, endpoints_atom_v)
      .then(
          [=](std::vector<store::endpoint_record>& endpoints) mutable {
            for (auto& ep : endpoints)
              self->state.registry.put(std::move(ep));
            configure_alert_sink(self);
            self->request(self->state.deps.reader, caf::infinite, pending_atom_v)
                .then(
                    [=](std::vector<std::string>& with_pending) mutable {
                      auto& st = self->state;
                      const auto known = spawn_pending(self, with_pending);
                      st.ready = true;
                      st.log->info("recovery done: {} endpoints, {} with pending deliveries",
                                   st.registry.size(), known);
                      rp.deliver(known);
                    },
                    [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
          },
          [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

} // namespace

void drain(dispatcher_ptr self, const std::vector<std::pair<std::string, endpoint_actor>>& actors,
           std::function<void()> done) {
  auto& st = self->state;
  if (actors.empty()) {
    done();
    return;
  }
  auto left = std::make_shared<std::size_t>(actors.size());
  auto finished = std::make_shared<std::function<void()>>(std::move(done));
  for (auto& [id, actor] : actors) {
    const auto* ep = st.registry.find(id);
    const auto timeout = ep != nullptr ? attempt_timeout_of(*st.deps.ctx->cfg, *ep)
                                       : st.deps.ctx->cfg->http.attempt_timeout;
    auto one_done = [=] {
      if (--*left == 0)
        (*finished)();
    };
    self->request(actor, timeout + 2 * drain_margin, shutdown_atom_v)
        .then([=](caf::ok_atom) { one_done(); },
              [=, id = id, actor = actor](caf::error& e) {
                self->state.log->warn("endpoint actor endpoint={} did not drain: {}", id,
                                      describe(e));
                self->send_exit(actor, caf::exit_reason::user_shutdown);
                one_done();
              });
  }
}

namespace {

/// An endpoint actor answered the shutdown (or failed to): forget it; answer the shutdown
/// requests when it was the last one.
void drained(dispatcher_ptr self, const std::string& endpoint_id) {
  auto& st = self->state;
  st.draining.erase(endpoint_id);
  if (!st.draining.empty())
    return;
  for (auto& waiter : st.drained_waiters)
    waiter.deliver(caf::ok_atom_v);
  st.drained_waiters.clear();
}

/// Stops accepting and has every endpoint actor drain. Each answers within its attempt timeout
/// + drain_margin (it stops waiting then); one that does not answer within another
/// drain_margin, or fails, is told to exit. So the answer comes within the longest endpoint's
/// attempt timeout + 2 × drain_margin.
caf::result<caf::ok_atom> shutdown(dispatcher_ptr self) {
  auto& st = self->state;
  st.shutting_down = true;
  guarded_promise<caf::ok_atom> rp{self};
  st.drained_waiters.push_back(rp);
  for (auto& [id, live] : st.live) {
    const auto* ep = st.registry.find(id);
    const auto timeout = ep != nullptr ? attempt_timeout_of(*st.deps.ctx->cfg, *ep)
                                       : st.deps.ctx->cfg->http.attempt_timeout;
    st.draining.emplace(id, live.actor);
    self->request(live.actor, timeout + 2 * drain_margin, shutdown_atom_v)
        .then([=, id = id](caf::ok_atom) { drained(self, id); },
              [=, id = id, actor = live.actor](caf::error& e) {
                self->state.log->warn("shutdown: endpoint actor endpoint={} did not drain: {}",
                                      id, describe(e));
                self->send_exit(actor, caf::exit_reason::user_shutdown);
                drained(self, id);
              });
  }
  st.live.clear();
  if (st.draining.empty())
    drained(self, {});
  return rp;
}

dispatcher_actor::behavior_type dispatcher(dispatcher_ptr self, dispatcher_deps deps) {
  self->state.deps = std::move(deps);
  if (!self->state.deps.ctx->node_id.empty())
    self->state.owned = delivery::endpoint_ownership::by_lease();
  // Endpoint actors are not linked to the dispatcher (a crash must not take it down); when
  // the engine stops the dispatcher, it takes its endpoint actors with it, draining ones too
  // (they may wait for attempts that will never answer).
  self->set_exit_handler([=](caf::exit_msg& msg) {
    auto& st = self->state;
    for (auto& [id, live] : st.live)
      self->send_exit(live.actor, msg.reason);
    for (auto& [id, actor] : st.draining)
      self->send_exit(actor, msg.reason);
    st.live.clear();
    st.draining.clear();
    self->quit(msg.reason);
  });
  return {
      [=](submit_message& msg) { return submit(self, msg); },
      [=](submit_batch& batch) { return submit_many(self, batch); },
      [=](put_endpoint_cmd& cmd) { return put_endpoint(self, cmd); },
      [=](update_endpoint_cmd& cmd) { return update_endpoint(self, cmd); },
      [=](rotate_secret_cmd& cmd) { return rotate_secret(self, cmd); },
      [=](set_endpoint_status_cmd& cmd) { return set_status(self, cmd); },
      [=](delete_endpoint_cmd& cmd) { return delete_endpoint(self, cmd); },
      [=](requeue_failed_cmd& cmd) { return requeue_failed(self, cmd); },
      [=](retry_message_cmd& cmd) { return retry_message(self, cmd); },
      [=](set_failing_since_cmd& cmd) {
        self->state.registry.set_failing_since(cmd.endpoint_id, cmd.since);
        self->send(self->state.deps.writer, std::move(cmd));
      },
      [=](endpoint_idle& idle) {
        auto& st = self->state;
        auto it = st.live.find(idle.endpoint_id);
        if (it == st.live.end() || it->second.sent != idle.received)
          return; // work is on its way to it: it stays
        self->send(it->second.actor, stop_atom_v);
        st.live.erase(it);
        if (idle.wake_at != no_time)
          park(self, idle);
      },
      [=](tick_atom, time_point armed_for) { wake_parked(self, armed_for); },
      [=](endpoint_crashed& crash) {
        auto& st = self->state;
        auto it = st.live.find(crash.endpoint_id);
        if (it == st.live.end() || it->second.actor.address() != crash.actor)
          return; // already replaced or retired
        st.live.erase(it);
        if (const auto* ep = st.registry.find(crash.endpoint_id); ep && !st.shutting_down)
          spawn_for(self, *ep, true);
      },
      [=](caf::get_atom, const std::string& endpoint_id) -> caf::actor {
        auto& st = self->state;
        auto it = st.live.find(endpoint_id);
        return it == st.live.end() ? caf::actor{} : caf::actor_cast<caf::actor>(it->second.actor);
      },
      [=](recover_atom) { return recover(self); },
      [=](shutdown_atom) { return shutdown(self); },
      [=](leases_changed& change) { leases_changed_here(self, change); },
      [=](release_leases& req) { return release(self, req); },
      [=](deliveries_announced& news) { deliveries_arrived(self, news); },
      [=](endpoints_announced& news) { endpoints_changed(self, news); },
      [=](resync_atom) { resync(self); },
  };
}

} // namespace
} // namespace dispatch

dispatcher_actor spawn_dispatcher(caf::actor_system& sys, dispatcher_deps deps) {
  return sys.spawn(dispatch::dispatcher, std::move(deps));
}

} // namespace hookd

#include "actors/dispatcher_state.hpp"
#include "messages/errors.hpp"

// Operator actions: each is persisted through the writer first; only after COMMIT does the
// dispatcher update its registry and the endpoint's actor, then answer.
namespace hookd::dispatch {
namespace {

/// Fails with unknown_endpoint unless the registry knows the endpoint.
const store::endpoint_record* known(dispatcher_ptr self, const std::string& id, caf::error& err) {
  const auto* ep = self->state.registry.find(id);
  if (ep == nullptr)
    err = make_error(errc::unknown_endpoint, "no endpoint " + id);
  return ep;
}

/// A committed endpoint row reaches the registry and, when it has one, the endpoint's live actor.
void adopt(dispatcher_ptr self, const store::endpoint_record& ep) {
  auto& st = self->state;
  st.registry.put(ep);
  if (auto it = st.live.find(ep.id); it != st.live.end())
    self->send(it->second.actor, ep);
}

} // namespace

caf::result<store::endpoint_record> put_endpoint(dispatcher_ptr self, put_endpoint_cmd& cmd) {
  // Creation (POST /v1/endpoints). It writes the whole row (INSERT OR REPLACE); changes to an
  // existing endpoint go through update_endpoint and rotate_secret, single UPDATEs that cannot
  // re-create a deleted one. Given an id the registry knows, the row keeps the status, reason
  // and failure clock the registry holds.
  // New endpoints get their id here, from the same generator as messages: ids then sort by
  // creation time, which list pagination relies on.
  if (cmd.endpoint.id.empty())
    cmd.endpoint.id = self->state.ids.next("ep_", now(self));
  if (const auto* current = self->state.registry.find(cmd.endpoint.id)) {
    cmd.endpoint.status = current->status;
    cmd.endpoint.reason = current->reason;
    cmd.endpoint.failing_since = current->failing_since;
  }
  guarded_promise<store::endpoint_record> rp{self};
  self->request(self->state.deps.writer, caf::infinite, std::move(cmd))
      .then(
          [=](store::endpoint_record& ep) mutable {
            adopt(self, ep);
            rp.deliver(std::move(ep));
          },
          [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

namespace {

/// Sends `cmd` (an UPDATE of an existing endpoint) to the writer; after COMMIT the registry and
/// the live actor take the stored settings. Status, reason and failure clock stay the
/// registry's (they change through set_status, the supervisor and the endpoint actor only).
template <class Command>
caf::result<store::endpoint_record> update_stored(dispatcher_ptr self, const std::string& id,
                                                  Command cmd) {
  caf::error err;
  if (known(self, id, err) == nullptr)
    return err;
  guarded_promise<store::endpoint_record> rp{self};
  self->request(self->state.deps.writer, caf::infinite, std::move(cmd))
      .then(
          [=](store::endpoint_record& ep) mutable {
            if (const auto* current = self->state.registry.find(ep.id)) {
              ep.status = current->status;
              ep.reason = current->reason;
              ep.failing_since = current->failing_since;
              adopt(self, ep);
            }
            rp.deliver(std::move(ep));
          },
          [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

} // namespace

caf::result<store::endpoint_record> update_endpoint(dispatcher_ptr self, update_endpoint_cmd& cmd) {
  const std::string id = cmd.endpoint.id;
  return update_stored(self, id, std::move(cmd));
}

caf::result<store::endpoint_record> rotate_secret(dispatcher_ptr self, rotate_secret_cmd& cmd) {
  const std::string id = cmd.endpoint_id;
  return update_stored(self, id, std::move(cmd));
}

namespace {

void log_status_change(dispatcher_ptr self, const set_endpoint_status_cmd& cmd, std::size_t failed) {
  const char* what = cmd.status == endpoint_status::enabled ? "enabled" : "disabled";
  if (cmd.automatic)
    self->state.log->warn("endpoint {} endpoint={} reason={} message={} detail={} pending_failed={}",
                          what, cmd.endpoint_id, to_string(cmd.reason), cmd.message_id, cmd.detail,
                          failed);
  else
    self->state.log->warn("endpoint {} endpoint={} reason={} pending_failed={} (operator)", what,
                          cmd.endpoint_id, to_string(cmd.reason), failed);
}

} // namespace

// Every status change of an endpoint, by an operator or by hookd itself (the supervisor asks):
// the writer stores it (a disable fails the pending deliveries in the same transaction, an
// enable restarts the 24-hour clock), then the registry and the live actor learn it, the
// metrics count it and one log line tells it. The supervisor raises the alert of an automatic
// disable once this answered.
caf::result<std::size_t> set_status(dispatcher_ptr self, set_endpoint_status_cmd& cmd) {
  caf::error err;
  if (known(self, cmd.endpoint_id, err) == nullptr)
    return err;
  if (cmd.at == no_time)
    cmd.at = now(self);
  guarded_promise<std::size_t> rp{self};
  auto done = std::make_shared<set_endpoint_status_cmd>(cmd);
  self->request(self->state.deps.writer, caf::infinite, std::move(cmd))
      .then(
          [=](std::size_t failed) mutable {
            endpoint_status_changed change{done->endpoint_id, done->status, done->reason};
            status_changed(self, change);
            if (done->status == endpoint_status::disabled) {
              auto& m = *self->state.deps.ctx->metrics;
              m.endpoint_disabled[static_cast<std::size_t>(done->reason)].inc();
              m.deliveries_failed[static_cast<std::size_t>(done->fail_reason)].inc(failed);
            }
            log_status_change(self, *done, failed);
            rp.deliver(failed);
          },
          [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

caf::result<bool> delete_endpoint(dispatcher_ptr self, delete_endpoint_cmd& cmd) {
  caf::error err;
  if (known(self, cmd.endpoint_id, err) == nullptr)
    return err;
  cmd.at = now(self);
  guarded_promise<bool> rp{self};
  const std::string id = cmd.endpoint_id;
  self->request(self->state.deps.writer, caf::infinite, std::move(cmd))
      .then(
          [=](std::size_t failed) mutable {
            auto& st = self->state;
            st.deps.ctx->metrics->deliveries_failed[static_cast<std::size_t>(failure_reason::endpoint_deleted)].inc(failed);
            st.registry.remove(id);
            st.parked.unpark(id);
            st.deps.ctx->failures->forget(id);
            st.deps.ctx->metrics->per_endpoint.forget(id);
            if (auto it = st.live.find(id); it != st.live.end()) {
              // Its pending deliveries are failed/endpoint_deleted in the store already.
              self->send(it->second.actor, stop_atom_v);
              st.live.erase(it);
            }
            st.log->info("endpoint deleted endpoint={} pending_failed={}", id, failed);
            rp.deliver(true);
          },
          [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

caf::result<std::size_t> requeue_failed(dispatcher_ptr self, requeue_failed_cmd& cmd) {
  caf::error err;
  const auto* ep = known(self, cmd.endpoint_id, err);
  if (ep == nullptr)
    return err;
  if (ep->status != endpoint_status::enabled)
    return make_error(errc::endpoint_disabled, "endpoint " + cmd.endpoint_id +
                                                   " is disabled; enable it before recovering");
  cmd.now = now(self);
  guarded_promise<std::size_t> rp{self};
  self->request(self->state.deps.writer, caf::infinite, std::move(cmd))
      .then(
          [=](requeue_result& r) mutable {
            route(self, r.pending, payload{});
            rp.deliver(r.requeued);
          },
          [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

caf::result<std::size_t> retry_message(dispatcher_ptr self, retry_message_cmd& cmd) {
  guarded_promise<std::size_t> rp{self};
  self->request(self->state.deps.writer, caf::infinite,
                requeue_message_cmd{cmd.message_seq, now(self), cmd.endpoint_id})
      .then(
          [=](std::vector<store::delivery_record>& pending) mutable {
            route(self, pending, payload{}, true);
            rp.deliver(pending.size());
          },
          [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

void status_changed(dispatcher_ptr self, endpoint_status_changed& change) {
  auto& st = self->state;
  st.registry.set_status(change.endpoint_id, change.status, change.reason);
  if (change.status == endpoint_status::enabled) // the store cleared it in the same transaction
    st.registry.set_failing_since(change.endpoint_id, no_time);
  else // the store failed its pending deliveries: nothing to wake for
    st.parked.unpark(change.endpoint_id);
  if (auto it = st.live.find(change.endpoint_id); it != st.live.end())
    self->send(it->second.actor, std::move(change));
}

} // namespace hookd::dispatch

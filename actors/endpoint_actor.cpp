#include "actors/endpoint_actor.hpp"

#include "actors/endpoint_state.hpp"
#include "actors/result_side_effects.hpp"
#include "logging/logger.hpp"
#include "messages/errors.hpp"

#include <caf/all.hpp>

#include <optional>
#include <random>
#include <unordered_map>
#include <vector>

namespace hookd::endpoint_impl {
namespace {

delivery::scheduler_config scheduler_config_of(const config::config& c,
                                               const store::endpoint_record& ep) {
  delivery::scheduler_config sc;
  sc.retry = c.retry;
  sc.permanent_statuses = c.endpoints.permanent_statuses;
  sc.failure_disable_after = c.endpoints.failure_disable_after;
  sc.max_concurrency = ep.max_concurrency;
  sc.rate_limit_per_s = ep.rate_limit_per_s;
  return sc;
}

void pump(endpoint_ptr self);

void raise_alert(endpoint_ptr self, std::string kind, std::string message_id, std::string text) {
  self->send(self->state.deps.supervisor,
             alert_event{std::move(kind), self->state.settings.id, std::move(message_id),
                         std::move(text), now(self)});
}

bool breaker_closed(const endpoint_state& st) {
  return st.scheduler->breaker().is_closed();
}

// -- attempts ----------------------------------------------------------------------------------

attempt_request request_for(endpoint_ptr self, const delivery::pending_delivery& d, payload body) {
  const auto& ep = self->state.settings;
  attempt_request req;
  req.delivery_id = d.id;
  req.message_id = d.message_id;
  req.endpoint_id = ep.id;
  req.url = ep.url;
  req.scheme = ep.scheme;
  req.secrets.push_back(ep.secret);
  if (!ep.previous_secret.empty() && now(self) < ep.previous_secret_expires_at)
    req.secrets.push_back(ep.previous_secret);
  req.body = std::move(body);
  req.timeout = attempt_timeout_of(cfg(self), ep);
  req.headers = ep.tenancy().headers;
  req.svix_headers = !ep.tenancy().application_id.empty();
  return req;
}

void on_result(endpoint_ptr self, std::int64_t delivery_id, const attempt_result& r);

/// Attempts started but not sent when the endpoint was disabled (their bodies were being
/// read): no result will come for them, so the scheduler must not wait for one.
void forget_unsent(endpoint_state& st, std::vector<std::int64_t>& ids) {
  for (auto id : ids)
    st.scheduler->forget(id);
  ids.clear();
}

void send_attempt(endpoint_ptr self, std::int64_t delivery_id) {
  auto& st = self->state;
  const auto* d = st.scheduler->find(delivery_id);
  if (d == nullptr) { // the endpoint was disabled while its body was read
    st.scheduler->forget(delivery_id);
    return;
  }
  st.deps.ctx->metrics->attempts_in_flight.add(1);
  self->request(st.deps.destination, caf::infinite,
                request_for(self, *d, st.bodies.body_of(delivery_id)))
      .then([=](attempt_result& r) { on_result(self, delivery_id, r); },
            [=](caf::error& e) {
              attempt_result r;
              r.delivery_id = delivery_id;
              r.error = attempt_error::unavailable;
              r.error_detail = "destination: " + describe(e);
              on_result(self, delivery_id, r);
            });
}

void fail_awaiting(endpoint_ptr self, const std::vector<std::int64_t>& ids,
                   const std::string& why) {
  for (auto id : ids) {
    attempt_result r;
    r.delivery_id = id;
    r.error = attempt_error::unavailable;
    r.error_detail = why;
    on_result(self, id, r);
  }
}

/// Fetches the bodies of started attempts that have none in memory, one request at a time.
void load_bodies(endpoint_ptr self) {
  auto& st = self->state;
  if (st.body_request_open || st.awaiting_body.empty())
    return;
  std::vector<std::int64_t> ids;
  ids.swap(st.awaiting_body);
  load_payloads_query query;
  for (auto id : ids)
    if (const auto* d = st.scheduler->find(id))
      query.message_seqs.push_back(d->message_seq);
  st.body_request_open = true;
  self->request(st.deps.reader, caf::infinite, std::move(query))
      .then(
          [=](std::vector<payload_entry>& entries) {
            auto& st = self->state;
            st.body_request_open = false;
            std::unordered_map<std::int64_t, payload> by_seq;
            for (auto& e : entries)
              by_seq.emplace(e.message_seq, std::move(e.body));
            std::vector<std::int64_t> missing;
            for (auto id : ids) {
              const auto* d = st.scheduler->find(id);
              if (d == nullptr) { // the endpoint was disabled meanwhile
                st.scheduler->forget(id);
                continue;
              }
              if (auto it = by_seq.find(d->message_seq); it != by_seq.end()) {
                st.bodies.put(id, it->second);
                send_attempt(self, id);
              } else {
                missing.push_back(id);
              }
            }
            fail_awaiting(self, missing, "store: message body not found");
            load_bodies(self);
          },
          [=](caf::error& e) {
            self->state.body_request_open = false;
            fail_awaiting(self, ids, "store: " + describe(e));
            load_bodies(self);
          });
}

void start_attempts(endpoint_ptr self, const std::vector<delivery::attempt_start>& starts) {
  auto& st = self->state;
  for (const auto& s : starts) {
    if (st.bodies.holds(s.delivery_id))
      send_attempt(self, s.delivery_id);
    else
      st.awaiting_body.push_back(s.delivery_id);
  }
  load_bodies(self);
}

// -- results -----------------------------------------------------------------------------------

void persist_result(endpoint_ptr self, const delivery::result_effects& fx,
                    const attempt_result& r) {
  auto& st = self->state;
  auto writes = writes_for_result(st.settings.id, fx, r);
  writes.record.lease = st.deps.lease;
  self->send(st.deps.writer, std::move(writes.record));
  if (writes.failing_since) {
    writes.failing_since->lease = st.deps.lease;
    self->send(st.deps.dispatcher, std::move(*writes.failing_since));
  }
}

/// A delivery ran out of retries: alert once per episode per endpoint (until a success), and
/// never about the alert sink itself (no alert loops).
void exhausted(endpoint_ptr self, const std::string& message_id, std::string text) {
  auto& st = self->state;
  if (st.exhausted_episode || st.settings.id == alert_endpoint_id)
    return;
  st.exhausted_episode = true;
  raise_alert(self, "delivery_exhausted", message_id, std::move(text));
}

void on_result(endpoint_ptr self, std::int64_t delivery_id, const attempt_result& r) {
  auto& st = self->state;
  const time_point t = now(self);
  st.last_work = t;
  auto fx = st.scheduler->on_result(delivery_id, t, {r.status, r.error, r.retry_after});
  if (!fx.known)
    return;
  persist_result(self, fx, r);
  log_result(*st.log, st.settings.id, fx, r, st.scheduler->breaker().consecutive_failures(), t);
  count_result(*st.deps.ctx->metrics, *st.deps.ctx->failures, st.settings, fx, r, t);
  st.bodies.after_result(delivery_id, fx, t, breaker_closed(st));
  if (fx.outcome == attempt_outcome::success)
    st.exhausted_episode = false;
  if (fx.exhausted)
    exhausted(self, fx.delivery->message_id,
              "no successful attempt within the retry window (" + std::to_string(fx.update.attempts) +
                  " attempts)");
  if (fx.disable) {
    st.bodies.clear();
    forget_unsent(st, st.awaiting_body);
    self->send(st.deps.supervisor, disable_request_for(st.settings.id, fx, r));
  }
  pump(self);
}

// -- timers and idling -------------------------------------------------------------------------

void finish_drain_if_done(endpoint_ptr self) {
  auto& st = self->state;
  if (st.draining && st.scheduler->in_flight() == 0) {
    st.draining->deliver(caf::ok_atom_v);
    self->quit();
  }
}

/// The drain deadline passed (or the dispatcher gave up): stop waiting for the attempts in
/// flight. Nothing is written for them: their deliveries are still pending in the store with
/// the due time they were started at, so they are attempted again after a restart.
void abandon_drain(endpoint_ptr self) {
  auto& st = self->state;
  if (const auto unfinished = st.scheduler->in_flight(); unfinished > 0)
    st.log->warn("shutdown: {} attempts unfinished endpoint={}; they stay pending and are "
                 "attempted again after a restart",
                 unfinished, st.settings.id);
  st.draining->deliver(caf::ok_atom_v);
  self->quit();
}

void pump(endpoint_ptr self) {
  auto& st = self->state;
  if (st.draining) {
    finish_drain_if_done(self);
    return;
  }
  const time_point t = now(self);
  if (!st.deps.ctx->lease_deadlines->allows(st.deps.lease.part, std::chrono::steady_clock::now())) {
    // Cluster mode: the partition's lease may have passed to another node (its renewal is late
    // or failed). Nothing starts and nothing is written; the dispatcher stops this actor once
    // the loss is known, or the next renewal lets it go on.
    if (st.timer_at == no_time || st.timer_at > t + lease_recheck) {
      st.timer_at = t + lease_recheck;
      self->delayed_send(self, lease_recheck, tick_atom_v, st.timer_at);
    }
    if (!st.lease_warned)
      st.log->warn("lease deadline passed: no attempt starts endpoint={}", st.settings.id);
    st.lease_warned = true;
    return;
  }
  st.lease_warned = false;
  auto work = st.scheduler->take_due(t);
  for (auto& e : work.expired) {
    log_expired(*st.log, st.settings.id, e);
    st.bodies.drop(e.update.delivery_id);
    count_expired(*st.deps.ctx->metrics);
    exhausted(self, e.message_id, "retry window ended while the endpoint's breaker was open");
    self->send(st.deps.writer, update_delivery_cmd{e.update, st.deps.lease});
  }
  start_attempts(self, work.starts);
  arm_timer(self, t);
  consider_idle(self);
}

// -- incoming work -----------------------------------------------------------------------------

void add_jobs(endpoint_ptr self, std::vector<delivery_job>& jobs) {
  auto& st = self->state;
  const time_point t = now(self);
  for (auto& job : jobs) {
    if (st.scheduler->disabled()) {
      // Routed before the dispatcher learnt of the disable: fail it like its siblings.
      store::delivery_update u;
      u.delivery_id = job.delivery_id;
      u.status = delivery_status::failed;
      u.reason = failure_reason::endpoint_disabled;
      u.attempts = job.attempts;
      u.first_attempt_at = job.first_attempt_at;
      u.at = t;
      self->send(st.deps.writer, update_delivery_cmd{u, st.deps.lease});
      continue;
    }
    delivery::pending_delivery d{
        job.delivery_id, job.message_seq,      std::move(job.message_id),       job.created_at,
        job.attempts,    job.first_attempt_at, job.due == no_time ? t : job.due};
    if (st.scheduler->add(std::move(d), job.updated_at) && job.body.loaded())
      st.bodies.offer(job.delivery_id, std::move(job.body), breaker_closed(st));
  }
}

void load_backlog(endpoint_ptr self);

/// Reads the endpoint's backlog from the store. In cluster mode, where every new actor does
/// (its backlog may come from another node), only once the writer has committed everything
/// sent to it before: a delivery an earlier actor of this endpoint just finished must not read
/// back as pending from before its record landed, or it would be attempted again. (One node
/// alone recovers only a parked endpoint, whose last results went to the writer at least an
/// idle timeout earlier; it reads at once, so that it delivers even while the store is locked.)
void recover(endpoint_ptr self) {
  auto& st = self->state;
  if (st.deps.ctx->node_id.empty())
    return load_backlog(self);
  self->request(st.deps.writer, caf::infinite, flush_atom_v)
      .then([=](caf::ok_atom) { load_backlog(self); },
            [=](caf::error& e) {
              self->state.log->error("endpoint recovery failed endpoint={}: {}",
                                     self->state.settings.id, describe(e));
              self->quit(e);
            });
}

void load_backlog(endpoint_ptr self) {
  auto& st = self->state;
  self->request(st.deps.reader, caf::infinite, load_pending_query{st.settings.id})
      .then(
          [=](std::vector<store::delivery_record>& records) {
            std::vector<delivery_job> jobs;
            jobs.reserve(records.size());
            for (const auto& r : records)
              jobs.push_back(job_from(r));
            add_jobs(self, jobs);
            self->state.log->info("endpoint recovered endpoint={} pending={}",
                                  self->state.settings.id, jobs.size());
            pump(self);
          },
          [=](caf::error& e) {
            // Without its backlog this actor must not run: crash so the supervisor retries.
            self->state.log->error("endpoint recovery failed endpoint={}: {}",
                                   self->state.settings.id, describe(e));
            self->quit(e);
          });
}

endpoint_actor::behavior_type endpoint_behavior(endpoint_ptr self, endpoint_deps deps,
                                                store::endpoint_record settings,
                                                bool recover_first,
                                                std::optional<delivery::endpoint_memento> resume) {
  auto& st = self->state;
  st.deps = std::move(deps);
  st.settings = std::move(settings);
  const time_point t = now(self);
  st.scheduler.emplace(scheduler_config_of(cfg(self), st.settings), t, st.settings.failing_since,
                       [self] {
                         return std::uniform_real_distribution<double>{0.0, 1.0}(self->state.rng);
                       });
  if (st.settings.status == endpoint_status::disabled)
    st.scheduler->disable();
  if (resume) { // spawned again after parking
    st.scheduler->restore_breaker(resume->breaker);
    st.exhausted_episode = resume->exhausted_episode;
  }
  if (recover_first)
    recover(self);
  else
    consider_idle(self);
  return {
      [=](deliver_jobs& msg) {
        ++self->state.received;
        self->state.last_work = now(self);
        add_jobs(self, msg.jobs);
        pump(self);
      },
      [=](expedite_deliveries& msg) {
        const time_point t = now(self);
        for (auto id : msg.delivery_ids)
          self->state.scheduler->expedite(id, t);
        pump(self);
      },
      [=](store::endpoint_record& updated) {
        auto& st = self->state;
        st.scheduler->reconfigure(updated.max_concurrency, updated.rate_limit_per_s, now(self));
        st.settings = std::move(updated);
        pump(self);
      },
      [=](endpoint_status_changed& change) {
        auto& st = self->state;
        if (change.status == endpoint_status::disabled) {
          st.scheduler->disable();
          st.bodies.clear();
          forget_unsent(st, st.awaiting_body);
        } else if (st.scheduler->disabled()) {
          st.scheduler->enable(now(self));
        }
        st.settings.status = change.status;
        st.settings.reason = change.reason;
        pump(self);
      },
      [=](tick_atom, time_point armed_for) {
        auto& st = self->state;
        if (st.timer_at == armed_for)
          st.timer_at = no_time;
        pump(self);
      },
      [=](idle_atom) { ask_to_idle(self); },
      [=](stop_atom) {
        if (self->state.draining)
          abandon_drain(self);
        else
          self->quit();
      },
      [=](shutdown_atom) -> caf::result<caf::ok_atom> {
        auto& st = self->state;
        guarded_promise<caf::ok_atom> rp{self};
        if (st.draining) { // a second request (none is expected) is answered at once
          rp.deliver(caf::ok_atom_v);
          return rp;
        }
        st.draining = rp;
        self->delayed_send(self, attempt_timeout_of(cfg(self), st.settings) + drain_margin,
                           stop_atom_v);
        finish_drain_if_done(self);
        return rp;
      },
  };
}

} // namespace
} // namespace hookd::endpoint_impl

namespace hookd {

endpoint_actor spawn_endpoint(caf::actor_system& sys, endpoint_deps deps,
                              store::endpoint_record settings, bool recover,
                              std::optional<delivery::endpoint_memento> resume) {
  return sys.spawn(endpoint_impl::endpoint_behavior, std::move(deps), std::move(settings), recover,
                   resume);
}

} // namespace hookd

#include "actors/endpoint_actor.hpp"

#include "actors/guarded_promise.hpp"
#include "delivery/endpoint_scheduler.hpp"
#include "logging/logger.hpp"
#include "messages/errors.hpp"

#include <caf/all.hpp>

#include <optional>
#include <random>
#include <unordered_map>

namespace hookd {
namespace {

struct endpoint_state {
  static inline const char* name = "hookd.endpoint";

  endpoint_deps deps;
  store::endpoint_record settings;
  std::optional<delivery::endpoint_scheduler> scheduler;
  std::unordered_map<std::int64_t, payload> bodies; ///< by delivery id
  std::vector<std::int64_t> awaiting_body;          ///< started, body being fetched
  bool body_request_open = false;
  time_point timer_at = no_time; ///< the earliest armed tick
  bool idle_timer_armed = false;
  std::uint64_t received = 0;                    ///< deliver_jobs processed (idle handshake)
  bool exhausted_episode = false; ///< a delivery_exhausted alert was raised; reset by a success
  /// Shutdown: answered when nothing is in flight, or at the drain deadline.
  std::optional<guarded_promise<caf::ok_atom>> draining;
  std::mt19937_64 rng{std::random_device{}()};
  std::shared_ptr<spdlog::logger> log = logging::get("engine");
};

using endpoint_ptr = endpoint_actor::stateful_pointer<endpoint_state>;

time_point now(endpoint_ptr self) {
  return self->state.deps.ctx->clock.now(self->clock());
}
const config::config& cfg(endpoint_ptr self) {
  return *self->state.deps.ctx->cfg;
}

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

/// Whether a body may be held in memory (see bodies_kept), `own` of them being the one in
/// question already.
bool room_for_body(const endpoint_state& st, std::size_t own) {
  return st.scheduler->breaker().is_closed() || st.bodies.size() < bodies_kept + own;
}

/// The breaker just opened: the backlog will wait, so keep only bodies_kept of its bodies (any
/// of them: a body that is not held is read from the store when its attempt starts).
void release_bodies(endpoint_state& st) {
  while (st.bodies.size() > bodies_kept)
    st.bodies.erase(st.bodies.begin());
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
  self->request(st.deps.destination, caf::infinite, request_for(self, *d, st.bodies[delivery_id]))
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
                st.bodies[id] = it->second;
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
    if (st.bodies.contains(s.delivery_id))
      send_attempt(self, s.delivery_id);
    else
      st.awaiting_body.push_back(s.delivery_id);
  }
  load_bodies(self);
}

// -- results -----------------------------------------------------------------------------------

void persist_result(endpoint_ptr self, const delivery::result_effects& fx,
                    const attempt_result& r) {
  store::attempt_record a;
  a.delivery_id = fx.update.delivery_id;
  a.message_id = fx.delivery->message_id;
  a.endpoint_id = self->state.settings.id;
  a.at = fx.started_at;
  a.outcome = fx.outcome;
  a.status_code = r.status;
  a.elapsed = r.elapsed;
  a.error = fx.update.last_error;
  a.error_detail = r.error_detail;
  a.response_body = r.response_body;
  self->send(self->state.deps.writer, record_attempt_cmd{std::move(a), fx.update});
  if (fx.failing_since_changed) // via the dispatcher, whose registry must know it too
    self->send(self->state.deps.dispatcher,
               set_failing_since_cmd{self->state.settings.id, *fx.failing_since_changed});
}

void log_result(endpoint_ptr self, const delivery::result_effects& fx, const attempt_result& r) {
  auto& st = self->state;
  const auto& ep = st.settings.id;
  const auto& msg = fx.delivery->message_id;
  st.log->debug("attempt endpoint={} message={} delivery={} outcome={} status={} error={} "
                "elapsed_ms={}{}",
                ep, msg, fx.update.delivery_id, to_string(fx.outcome), r.status,
                to_string(fx.update.last_error), r.elapsed.count(),
                r.error_detail.empty() ? "" : " detail=" + r.error_detail);
  using transition = policy::circuit_breaker::transition;
  if (fx.breaker == transition::opened)
    st.log->warn("breaker opened endpoint={} consecutive_failures={}", ep,
                 st.scheduler->breaker().consecutive_failures());
  else if (fx.breaker == transition::closed)
    st.log->info("breaker closed endpoint={} message={}", ep, msg);
  if (fx.retry_scheduled)
    st.log->info("retry scheduled endpoint={} message={} delivery={} attempt={} next_in_ms={}", ep,
                 msg, fx.update.delivery_id, fx.update.attempts,
                 (fx.update.next_attempt_at - now(self)).count());
  if (fx.exhausted)
    st.log->warn("delivery exhausted endpoint={} message={} delivery={} attempts={}", ep, msg,
                 fx.update.delivery_id, fx.update.attempts);
}

/// Metrics and the failure board: atomics and one short lock, no messages.
void count_result(endpoint_ptr self, const delivery::result_effects& fx, const attempt_result& r,
                  time_point now) {
  auto& ctx = *self->state.deps.ctx;
  auto& m = *ctx.metrics;
  const auto& ep = self->state.settings;
  m.attempts_in_flight.add(-1);
  m.on_attempt(fx.outcome, r.elapsed, fx.started_at);
  if (fx.outcome == attempt_outcome::success)
    ctx.failures->record_success(ep.id, fx.started_at);
  else
    ctx.failures->record_failure(ep.id, ep.url, fx.started_at, r.status, fx.update.last_error,
                                 r.error_detail, fx.delivery->message_id);
  if (fx.update.status == delivery_status::delivered) {
    m.deliveries_delivered.inc();
    m.delivery_latency.observe(std::chrono::duration<double>(now - fx.delivery->created_at).count());
  } else if (fx.update.status == delivery_status::failed) {
    m.deliveries_failed[static_cast<std::size_t>(fx.update.reason)].inc();
  }
  if (fx.retry_scheduled)
    m.retries_scheduled.inc();
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
  auto fx = st.scheduler->on_result(delivery_id, t, {r.status, r.error, r.retry_after});
  if (!fx.known)
    return;
  persist_result(self, fx, r);
  log_result(self, fx, r);
  count_result(self, fx, r, t);
  const bool keep_body = fx.retry_scheduled && fx.update.next_attempt_at - t <= body_keep &&
                         room_for_body(st, 1);
  if (!keep_body)
    st.bodies.erase(delivery_id);
  if (fx.breaker == policy::circuit_breaker::transition::opened)
    release_bodies(st);
  if (fx.outcome == attempt_outcome::success)
    st.exhausted_episode = false;
  if (fx.exhausted)
    exhausted(self, fx.delivery->message_id,
              "no successful attempt within the retry window (" + std::to_string(fx.update.attempts) +
                  " attempts)");
  if (fx.disable) {
    st.bodies.clear();
    forget_unsent(st, st.awaiting_body);
    std::string detail = r.status != 0 ? "HTTP " + std::to_string(r.status)
                                       : std::string{to_string(fx.update.last_error)};
    st.log->warn("endpoint must be disabled endpoint={} reason={} message={} detail={}",
                 st.settings.id, to_string(*fx.disable), fx.delivery->message_id, detail);
    self->send(st.deps.supervisor, disable_endpoint{st.settings.id, *fx.disable,
                                                    fx.delivery->message_id, std::move(detail)});
  }
  pump(self);
}

// -- timers and idling -------------------------------------------------------------------------

void arm_timer(endpoint_ptr self, time_point t) {
  auto& st = self->state;
  auto wake = st.scheduler->next_wakeup(t);
  if (!wake || (st.timer_at != no_time && st.timer_at <= *wake))
    return;
  st.timer_at = *wake;
  self->delayed_send(self, std::max(*wake - t, duration{0}), tick_atom_v, *wake);
}

void consider_idle(endpoint_ptr self) {
  auto& st = self->state;
  if (!st.scheduler->idle() || st.idle_timer_armed || st.draining)
    return;
  st.idle_timer_armed = true;
  self->delayed_send(self, cfg(self).endpoints.idle_timeout, idle_atom_v);
}

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
  auto work = st.scheduler->take_due(t);
  for (auto& [update, message_id] : work.expired) {
    st.log->warn("delivery exhausted endpoint={} message={} delivery={} attempts={} (held back by "
                 "the open breaker until its window ended)",
                 st.settings.id, message_id, update.delivery_id, update.attempts);
    st.bodies.erase(update.delivery_id);
    st.deps.ctx->metrics->deliveries_failed[static_cast<std::size_t>(failure_reason::exhausted)].inc();
    exhausted(self, message_id, "retry window ended while the endpoint's breaker was open");
    self->send(st.deps.writer, update_delivery_cmd{update});
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
      self->send(st.deps.writer, update_delivery_cmd{u});
      continue;
    }
    delivery::pending_delivery d{
        job.delivery_id, job.message_seq,      std::move(job.message_id),       job.created_at,
        job.attempts,    job.first_attempt_at, job.due == no_time ? t : job.due};
    if (st.scheduler->add(std::move(d)) && job.body.loaded() && room_for_body(st, 0))
      st.bodies.emplace(job.delivery_id, std::move(job.body));
  }
}

void recover(endpoint_ptr self) {
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
                                                bool recover_first) {
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
  if (recover_first)
    recover(self);
  else
    consider_idle(self);
  return {
      [=](deliver_jobs& msg) {
        ++self->state.received;
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
      [=](idle_atom) {
        auto& st = self->state;
        st.idle_timer_armed = false;
        if (st.scheduler->idle() && !st.draining)
          self->send(st.deps.dispatcher, endpoint_idle{st.settings.id, st.received});
      },
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

endpoint_actor spawn_endpoint(caf::actor_system& sys, endpoint_deps deps,
                              store::endpoint_record settings, bool recover) {
  return sys.spawn(endpoint_behavior, std::move(deps), std::move(settings), recover);
}

} // namespace hookd

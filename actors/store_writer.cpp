#include "actors/store_writer.hpp"

#include "actors/guarded_promise.hpp"
#include "actors/quiet_release.hpp"
#include "logging/logger.hpp"
#include "messages/errors.hpp"
#include "store/batch_insert.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iterator>
#include <vector>

namespace hookd {
namespace {

/// commit_atom: commit the open batch; (commit_atom, tick_atom): the retry timer of a failed one;
/// idle_atom: the quiet_release timer.
using writer_impl =
    store_writer_actor::extend<caf::reacts_to<commit_atom>, caf::reacts_to<commit_atom, tick_atom>,
                               caf::reacts_to<idle_atom>>;

/// One command in a batch: `apply` runs inside the transaction; `done` after COMMIT;
/// `failed` when it could not be committed. Without `failed` it is an engine write nobody
/// waits for (an attempt, a delivery update, the failure clock): it must land.
struct operation {
  std::function<void(store::store&)> apply;
  std::function<void()> done;
  std::function<void(const caf::error&)> failed;
  /// Set when the store refused the command (conflict, missing): it is left out of the
  /// transaction and answered with this error once the others committed, in its place.
  caf::error refusal;
  /// Cluster mode: the lease the command was written under (an endpoint owner's write);
  /// checked just before COMMIT (store::hold_leases), the command dropped when it was lost.
  store::lease_token lease;

  bool must_land() const { return !failed; }
  bool refused() const { return static_cast<bool>(refusal); }
};

constexpr auto first_retry_delay = std::chrono::milliseconds{50};
constexpr auto max_retry_delay = std::chrono::seconds{2};

struct writer_state {
  static inline const char* name = "hookd.store_writer";
  std::shared_ptr<store::store> db;
  store_writer_options opts;
  std::vector<operation> batch;
  bool commit_scheduled = false;
  bool waiting_to_retry = false;     ///< a failed batch's engine writes wait for a retry
  std::chrono::milliseconds retry_delay = first_retry_delay;
  bool failing = false; ///< in a store_error episode (see on_failure_episode)
  std::shared_ptr<spdlog::logger> log = logging::get("store");
  quiet_release quiet;
};

using writer_ptr = writer_impl::stateful_pointer<writer_state>;

/// A command of the batch that cannot apply (store::error of kind conflict or missing).
struct refused {
  std::size_t index;
  store::error cause;
};

/// Cluster mode: leases the batch's commands were written under that this node no longer holds.
struct fenced {
  std::vector<store::lease_token> lost;
};

/// Just before COMMIT: the leases of the batch's owner writes must still be this node's; the
/// rows stay locked against a change of owner until the transaction ends.
void hold_leases(writer_state& st, const std::vector<operation>& ops) {
  if (st.opts.node_id.empty())
    return;
  std::vector<store::lease_token> tokens;
  for (const auto& op : ops)
    if (op.lease.fenced() && !op.refused())
      tokens.push_back(op.lease);
  if (tokens.empty())
    return;
  auto lost = st.db->hold_leases(st.opts.node_id, tokens);
  if (!lost.empty())
    throw fenced{std::move(lost)};
}

/// The caller's error for a store::error, its kind carried along.
caf::error to_caf_error(const store::error& e) {
  switch (e.what_kind()) {
    case store::error::kind::conflict: return make_error(errc::store_conflict, e.what());
    case store::error::kind::missing: return make_error(errc::store_missing, e.what());
    case store::error::kind::disabled: return make_error(errc::endpoint_disabled, e.what());
    case store::error::kind::failure: break;
  }
  return make_error(errc::store_failed, e.what());
}

/// Runs `ops` in one transaction. After rolling back, throws `refused` when a command cannot
/// apply, or the store::error when the store failed. Each command is numbered for the store
/// (store::begin_command), which may learn a command's outcome only later, at settle(): the
/// PostgreSQL store sends the whole batch in one round trip.
void run_transaction(writer_state& st, std::vector<operation>& ops) {
  auto& db = *st.db;
  const auto started = std::chrono::steady_clock::now();
  db.begin();
  try {
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (!ops[i].apply || ops[i].refused())
        continue;
      try {
        db.begin_command(i);
        ops[i].apply(db);
      } catch (const store::error& e) {
        if (e.what_kind() == store::error::kind::failure)
          throw;
        throw refused{e.command().value_or(i), e}; // or an earlier one, learnt only now
      }
    }
    try {
      db.settle();
    } catch (const store::error& e) {
      if (e.what_kind() == store::error::kind::failure || !e.command())
        throw;
      throw refused{*e.command(), e};
    }
    hold_leases(st, ops);
    db.commit();
  } catch (...) {
    try {
      db.rollback();
    } catch (const store::error&) {
      // The transaction is gone either way; the original error is the one to report.
    }
    throw;
  }
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
    std::chrono::steady_clock::now() - started);
  st.log->trace("committed {} commands in {} us", ops.size(), took.count());
  if (st.failing) {
    st.failing = false;
    st.log->info("store writes succeed again");
  }
  if (st.opts.on_commit)
    st.opts.on_commit(ops.size(), took);
}

void report_failure(writer_state& st, const store::error& e) {
  st.log->error("store write failed: {}", e.what());
  if (st.failing)
    return;
  st.failing = true;
  if (st.opts.on_failure_episode)
    st.opts.on_failure_episode(e.what());
}

/// The store failed the batch: callers that wait get the error (nothing was acknowledged to
/// them); the engine writes go back to the front of the queue, in order, for a retry after a
/// growing delay.
void keep_engine_writes(writer_ptr self, std::vector<operation>& ops, const store::error& e) {
  auto& st = self->state;
  report_failure(st, e);
  std::vector<operation> kept;
  for (auto& op : ops) {
    if (op.refused()) {
      if (op.failed)
        op.failed(op.refusal);
    } else if (op.must_land()) {
      kept.push_back(std::move(op));
    } else {
      op.failed(to_caf_error(e));
    }
  }
  if (kept.empty())
    return;
  st.log->warn("{} engine writes kept; retrying in {} ms", kept.size(), st.retry_delay.count());
  std::move(st.batch.begin(), st.batch.end(), std::back_inserter(kept));
  st.batch.swap(kept);
  st.waiting_to_retry = true;
  st.commit_scheduled = true;
  self->delayed_send(self, st.retry_delay, commit_atom_v, tick_atom_v);
  st.retry_delay = std::min<std::chrono::milliseconds>(st.retry_delay * 2, max_retry_delay);
}

void commit(writer_ptr self) {
  auto& st = self->state;
  st.commit_scheduled = false;
  st.waiting_to_retry = false;
  if (st.batch.empty())
    return;
  // At most max_batch per transaction, also when a retry has let the queue grow: the rest
  // commits next, in order.
  std::vector<operation> ops;
  if (st.batch.size() <= st.opts.max_batch) {
    ops.swap(st.batch);
  } else {
    const auto cut = st.batch.begin() + static_cast<std::ptrdiff_t>(st.opts.max_batch);
    ops.assign(std::make_move_iterator(st.batch.begin()), std::make_move_iterator(cut));
    st.batch.erase(st.batch.begin(), cut);
  }
  for (;;) {
    try {
      run_transaction(st, ops);
      st.retry_delay = first_retry_delay;
      for (auto& op : ops) { // in order; a refused command's caller may look for what the
        if (op.refused()) {  // commands before it committed (an Idempotency-Key race)
          if (op.failed)
            op.failed(op.refusal);
        } else if (op.done) {
          op.done();
        }
      }
      if (!st.batch.empty() && !st.commit_scheduled) {
        st.commit_scheduled = true;
        self->send(self, commit_atom_v);
      }
      return;
    } catch (const refused& r) {
      // Only that command fails; the others run again without it (nothing was committed).
      st.log->warn("store write refused: {}", r.cause.what());
      ops[r.index].refusal = to_caf_error(r.cause);
    } catch (const fenced& f) {
      // Writes of an endpoint another node owns now: dropped, the others run again.
      std::size_t dropped = 0;
      for (auto& op : ops)
        if (std::find(f.lost.begin(), f.lost.end(), op.lease) != f.lost.end()) {
          op.refusal = make_error(errc::fenced, "lease of partition " +
                                                    std::to_string(op.lease.part) + " lost");
          ++dropped;
        }
      st.log->warn("{} store writes dropped: their partition leases are no longer this node's",
                   dropped);
    } catch (const store::error& e) {
      keep_engine_writes(self, ops, e);
      return;
    }
  }
}

void add(writer_ptr self, operation op) {
  auto& st = self->state;
  note_store_activity(self);
  st.batch.push_back(std::move(op));
  if (st.waiting_to_retry)
    return; // the retry takes it along
  if (st.batch.size() >= st.opts.max_batch) {
    commit(self);
    return;
  }
  if (!st.commit_scheduled) {
    st.commit_scheduled = true;
    self->send(self, commit_atom_v);
  }
}

/// Queues a command whose caller waits: `apply` runs inside the transaction (possibly more
/// than once: a batch with a refused command runs again without it, so it must not consume
/// its input), and `reply()` builds the answer after COMMIT.
template <class Result>
caf::result<Result> enqueue(writer_ptr self, std::function<void(store::store&)> apply,
                            std::function<Result()> reply) {
  // Guarded: a batch dropped because the writer stopped still answers (with an error).
  guarded_promise<Result> rp{self};
  add(self, operation{std::move(apply), [rp, reply = std::move(reply)] { rp.deliver(reply()); },
                      [rp](const caf::error& e) { rp.deliver(e); }, {}, {}});
  return rp;
}

/// Queues `fn(store&) -> Result`; the result of the committed run is the reply.
template <class Result, class Fn>
caf::result<Result> enqueue_value(writer_ptr self, Fn fn) {
  auto result = std::make_shared<Result>();
  return enqueue<Result>(
      self, [fn = std::move(fn), result](store::store& db) { *result = fn(db); },
      [result] { return std::move(*result); });
}

/// Queues `fn(store&) -> std::optional<endpoint_record>`; nullopt answers unknown_endpoint.
template <class Fn>
caf::result<store::endpoint_record> enqueue_endpoint(writer_ptr self, std::string endpoint_id,
                                                     Fn fn) {
  guarded_promise<store::endpoint_record> rp{self};
  auto result = std::make_shared<std::optional<store::endpoint_record>>();
  add(self, operation{[fn = std::move(fn), result](store::store& db) { *result = fn(db); },
                      [rp, result, endpoint_id = std::move(endpoint_id)] {
                        if (*result)
                          rp.deliver(std::move(**result));
                        else
                          rp.deliver(make_error(errc::unknown_endpoint, "no endpoint " + endpoint_id));
                      },
                      [rp](const caf::error& e) { rp.deliver(e); }, {}, {}});
  return rp;
}

/// Queues the insert (`create`) or the update of a row the dispatcher does not keep (an
/// application, a source); the reply is the record, or `missing` when an update found no row.
template <class Record>
caf::result<Record> put_row(writer_ptr self, Record rec, bool create,
                            void (store::store::*insert)(const Record&),
                            bool (store::store::*update)(const Record&), errc missing,
                            std::string what) {
  guarded_promise<Record> rp{self};
  auto found = std::make_shared<bool>(true);
  add(self, operation{[rec, create, found, insert, update](store::store& db) {
                        if (create)
                          (db.*insert)(rec);
                        else
                          *found = (db.*update)(rec);
                      },
                      [rp, found, rec, missing, what = std::move(what)]() mutable {
                        if (*found)
                          rp.deliver(std::move(rec));
                        else
                          rp.deliver(make_error(missing, "no " + what + " " + rec.id));
                      },
                      [rp](const caf::error& e) mutable { rp.deliver(e); }, {}, {}});
  return rp;
}

/// Queues an engine write nobody waits for; kept and retried until the store takes it (or,
/// in cluster mode, until its lease is lost).
void enqueue_silent(writer_ptr self, std::function<void(store::store&)> apply,
                    store::lease_token lease = {}) {
  add(self, operation{std::move(apply), nullptr, nullptr, {}, lease});
}

/// A batch of messages as one command of the open batch, so they commit in one transaction;
/// a refused message fails alone (store::insert_messages), without re-running the others.
caf::result<messages_inserted> insert_many(writer_ptr self, insert_messages_cmd in) {
  auto batch = std::make_shared<std::vector<store::batch_message>>();
  batch->reserve(in.items.size());
  for (auto& item : in.items)
    batch->push_back(store::batch_message{std::move(item.message), std::move(item.deliveries),
                                          std::move(item.idempotency), item.endpoints_named});
  auto outcomes = std::make_shared<std::vector<store::batch_outcome>>();
  return enqueue<messages_inserted>(
      self, [batch, outcomes](store::store& db) { *outcomes = store::insert_messages(db, *batch); },
      [batch, outcomes] {
        messages_inserted reply;
        reply.items.reserve(batch->size());
        for (std::size_t i = 0; i < batch->size(); ++i) {
          auto& outcome = (*outcomes)[i];
          inserted_item item;
          if (outcome.refusal)
            item.refusal = to_caf_error(store::error{outcome.refusal->what, outcome.refusal->kind});
          else
            item.inserted = message_inserted{std::move((*batch)[i].message), std::move(outcome.deliveries)};
          reply.items.push_back(std::move(item));
        }
        return reply;
      });
}

writer_impl::behavior_type writer(writer_ptr self, std::shared_ptr<store::store> db,
                                  store_writer_options opts) {
  self->state.db = std::move(db);
  self->state.opts = std::move(opts);
  return {
      [=](insert_message_cmd& in) -> caf::result<message_inserted> {
        auto cmd = std::make_shared<insert_message_cmd>(std::move(in));
        return enqueue<message_inserted>(
            self,
        [cmd](store::store& db) {
          db.insert_message(cmd->message, cmd->deliveries, cmd->endpoints_named);
          if (!cmd->idempotency.key.empty())
            db.put_idempotency(cmd->idempotency);
        },
            [cmd] {
              return message_inserted{std::move(cmd->message), std::move(cmd->deliveries)};
            });
      },
      [=](insert_messages_cmd& in) -> caf::result<messages_inserted> {
        return insert_many(self, std::move(in));
      },
      [=](record_attempt_cmd& cmd) {
        const auto lease = cmd.lease;
        enqueue_silent(
            self,
            [cmd = std::move(cmd)](store::store& db) mutable {
              db.record_attempt(cmd.attempt, cmd.update);
            },
            lease);
      },
      [=](update_delivery_cmd& cmd) {
        const auto lease = cmd.lease;
        enqueue_silent(
            self, [cmd = std::move(cmd)](store::store& db) { db.update_delivery(cmd.update); },
            lease);
      },
      [=](set_failing_since_cmd& cmd) {
        const auto lease = cmd.lease;
        enqueue_silent(
            self,
            [cmd = std::move(cmd)](store::store& db) {
              db.set_failing_since(cmd.endpoint_id, cmd.since);
            },
            lease);
      },
      [=](put_endpoint_cmd& cmd) -> caf::result<store::endpoint_record> {
        return enqueue_value<store::endpoint_record>(self,
                                                     [cmd = std::move(cmd)](store::store& db) {
                                                       db.put_endpoint(cmd.endpoint);
                                                       return cmd.endpoint;
                                                     });
      },
      [=](update_endpoint_cmd& cmd) -> caf::result<store::endpoint_record> {
        auto id = cmd.endpoint.id;
        return enqueue_endpoint(self, std::move(id), [cmd = std::move(cmd)](store::store& db) {
          return db.update_endpoint(cmd.endpoint, cmd.fields);
        });
      },
      [=](rotate_secret_cmd& cmd) -> caf::result<store::endpoint_record> {
        auto id = cmd.endpoint_id;
        return enqueue_endpoint(self, std::move(id), [cmd = std::move(cmd)](store::store& db) {
          return db.rotate_secret(cmd.endpoint_id, cmd.secret, cmd.previous_expires_at, cmd.at);
        });
      },
      [=](set_endpoint_status_cmd& cmd) -> caf::result<std::size_t> {
        return enqueue_value<std::size_t>(
            self, [cmd = std::move(cmd)](store::store& db) -> std::size_t {
              db.set_endpoint_status(cmd.endpoint_id, cmd.status, cmd.reason, cmd.at);
              if (cmd.status == endpoint_status::disabled)
                return db.fail_pending(cmd.endpoint_id, cmd.fail_reason, cmd.at);
              db.set_failing_since(cmd.endpoint_id, no_time); // a re-enabled endpoint starts afresh
              return 0;
            });
      },
      [=](put_application_cmd& cmd) -> caf::result<store::application_record> {
        return put_row(self, std::move(cmd.application), cmd.create, &store::store::insert_application,
                       &store::store::update_application, errc::unknown_application, "application");
      },
      [=](put_event_type_cmd& cmd) -> caf::result<store::event_type_record> {
        return enqueue_value<store::event_type_record>(self, [cmd = std::move(cmd)](store::store& db) {
          db.put_event_type(cmd.event_type);
          return db.find_event_type(cmd.event_type.name).value_or(cmd.event_type);
        });
      },
      [=](put_source_cmd& cmd) -> caf::result<store::source_record> {
        return put_row(self, std::move(cmd.source), cmd.create, &store::store::insert_source,
                       &store::store::update_source, errc::unknown_source, "source");
      },
      [=](delete_source_cmd& cmd) -> caf::result<bool> {
        return enqueue_value<bool>(self, [cmd = std::move(cmd)](store::store& db) {
          return db.delete_source(cmd.source_id);
        });
      },
      [=](delete_application_cmd& cmd) -> caf::result<bool> {
        return enqueue_value<bool>(self, [cmd = std::move(cmd)](store::store& db) {
          return db.delete_application(cmd.application_id);
        });
      },
      [=](delete_endpoint_cmd& cmd) -> caf::result<std::size_t> {
        // A second DELETE of the same endpoint in flight finds no row: unknown_endpoint.
        auto deletion = std::make_shared<store::endpoint_deletion>();
        auto id = cmd.endpoint_id;
        const bool must_exist = cmd.must_exist;
        guarded_promise<std::size_t> rp{self};
        add(self, operation{[cmd = std::move(cmd), deletion](store::store& db) {
                              *deletion = db.delete_endpoint(cmd.endpoint_id, cmd.at);
                            },
                            [rp, deletion, id, must_exist]() mutable {
                              if (deletion->existed || !must_exist)
                                rp.deliver(deletion->failed);
                              else
                                rp.deliver(make_error(errc::unknown_endpoint, "no endpoint " + id));
                            },
                            [rp](const caf::error& e) mutable { rp.deliver(e); }, {}, {}});
        return rp;
      },
      [=](requeue_failed_cmd& cmd) -> caf::result<requeue_result> {
        return enqueue_value<requeue_result>(self, [cmd = std::move(cmd)](store::store& db) {
          const auto requeued = db.requeue_failed(cmd.endpoint_id, cmd.since, cmd.now);
          return requeue_result{requeued, db.load_pending(cmd.endpoint_id)};
        });
      },
      [=](purge_cmd& cmd) -> caf::result<std::size_t> {
        return enqueue_value<std::size_t>(
            self, [cmd](store::store& db) { return db.purge_finished(cmd.before, cmd.limit); });
      },
      [=](requeue_message_cmd& cmd) -> caf::result<std::vector<store::delivery_record>> {
        return enqueue_value<std::vector<store::delivery_record>>(
            self, [cmd](store::store& db) {
              if (!cmd.endpoint_id.empty())
                return db.requeue_delivery(cmd.message_seq, cmd.endpoint_id, cmd.now);
              return db.requeue_message(cmd.message_seq, cmd.now);
            });
      },
      [=](purge_idempotency_cmd& cmd) -> caf::result<std::size_t> {
        return enqueue_value<std::size_t>(
            self, [cmd](store::store& db) { return db.purge_idempotency(cmd.before); });
      },
      [=](flush_atom) -> caf::result<caf::ok_atom> {
        return enqueue_value<caf::ok_atom>(self, [](store::store&) { return caf::ok_atom_v; });
      },
      [=](commit_atom) {
        if (!self->state.waiting_to_retry) // otherwise the retry timer commits
          commit(self);
      },
      [=](commit_atom, tick_atom) { commit(self); },
      [=](idle_atom) { on_quiet_tick(self); },
  };
}

} // namespace

store_writer_actor spawn_store_writer(caf::actor_system& sys, std::shared_ptr<store::store> db,
                                      store_writer_options opts) {
  if (opts.detached)
    return sys.spawn<caf::detached>(writer, std::move(db), opts);
  return sys.spawn(writer, std::move(db), opts);
}

} // namespace hookd

#include "actors/store_writer.hpp"

#include "logging/logger.hpp"
#include "messages/errors.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <functional>
#include <vector>

namespace hookd {
namespace {

using writer_impl = store_writer_actor::extend<caf::reacts_to<commit_atom>>;

/// One command in a batch: `apply` runs inside the transaction; `done` after COMMIT;
/// `failed` when it could not be committed.
struct operation {
  std::function<void(store::store&)> apply;
  std::function<void()> done;
  std::function<void(const caf::error&)> failed;
};

struct writer_state {
  static inline const char* name = "hookd.store_writer";
  std::shared_ptr<store::store> db;
  store_writer_options opts;
  std::vector<operation> batch;
  bool commit_scheduled = false;
  bool failing = false; ///< in a store_error episode (see on_failure_episode)
  std::shared_ptr<spdlog::logger> log = logging::get("store");
};

using writer_ptr = writer_impl::stateful_pointer<writer_state>;

/// Runs `ops` in one transaction; throws store::error (after rolling back) on failure.
void run_transaction(writer_state& st, std::vector<operation>& ops) {
  auto& db = *st.db;
  const auto started = std::chrono::steady_clock::now();
  db.begin();
  try {
    for (auto& op : ops)
      if (op.apply)
        op.apply(db);
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
  if (e.what_kind() != store::error::kind::failure) {
    // The command itself cannot apply (a duplicate key, a purged delivery): not an outage.
    st.log->warn("store write refused: {}", e.what());
    return;
  }
  st.log->error("store write failed: {}", e.what());
  if (st.failing)
    return;
  st.failing = true;
  if (st.opts.on_failure_episode)
    st.opts.on_failure_episode(e.what());
}

void commit(writer_ptr self) {
  auto& st = self->state;
  st.commit_scheduled = false;
  if (st.batch.empty())
    return;
  std::vector<operation> ops;
  ops.swap(st.batch);
  try {
    run_transaction(st, ops);
    for (auto& op : ops)
      if (op.done)
        op.done();
    return;
  } catch (const store::error& e) {
    st.log->error("batch of {} commands failed ({}); retrying one by one", ops.size(), e.what());
  }
  // Isolate the failing command(s): one transaction each.
  for (auto& op : ops) {
    std::vector<operation> single;
    single.push_back(std::move(op));
    try {
      run_transaction(st, single);
      if (single.front().done)
        single.front().done();
    } catch (const store::error& e) {
      report_failure(st, e);
      if (single.front().failed)
        single.front().failed(make_error(errc::store_failed, e.what()));
    }
  }
}

void add(writer_ptr self, operation op) {
  auto& st = self->state;
  st.batch.push_back(std::move(op));
  if (st.batch.size() >= st.opts.max_batch) {
    commit(self);
    return;
  }
  if (!st.commit_scheduled) {
    st.commit_scheduled = true;
    self->send(self, commit_atom_v);
  }
}

/// Queues a command whose caller waits: `apply` runs inside the transaction (possibly twice:
/// a failed batch is replayed command by command, so it must not consume its input), and
/// `reply()` builds the answer after COMMIT.
template <class Result>
caf::result<Result> enqueue(writer_ptr self, std::function<void(store::store&)> apply,
                            std::function<Result()> reply) {
  auto rp = self->make_response_promise<Result>();
  add(self,
      operation{std::move(apply), [rp, reply = std::move(reply)]() mutable { rp.deliver(reply()); },
                [rp](const caf::error& e) mutable { rp.deliver(e); }});
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

/// Queues a write nobody waits for (its loss on failure is logged).
void enqueue_silent(writer_ptr self, std::function<void(store::store&)> apply) {
  add(self, operation{std::move(apply), nullptr, nullptr});
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
          db.insert_message(cmd->message, cmd->deliveries);
          if (!cmd->idempotency.key.empty())
            db.put_idempotency(cmd->idempotency);
        },
            [cmd] {
              return message_inserted{std::move(cmd->message), std::move(cmd->deliveries)};
            });
      },
      [=](record_attempt_cmd& cmd) {
        enqueue_silent(self, [cmd = std::move(cmd)](store::store& db) mutable {
          db.record_attempt(cmd.attempt, cmd.update);
        });
      },
      [=](update_delivery_cmd& cmd) {
        enqueue_silent(
            self, [cmd = std::move(cmd)](store::store& db) { db.update_delivery(cmd.update); });
      },
      [=](set_failing_since_cmd& cmd) {
        enqueue_silent(self, [cmd = std::move(cmd)](store::store& db) {
          db.set_failing_since(cmd.endpoint_id, cmd.since);
        });
      },
      [=](put_endpoint_cmd& cmd) -> caf::result<store::endpoint_record> {
        return enqueue_value<store::endpoint_record>(self,
                                                     [cmd = std::move(cmd)](store::store& db) {
                                                       db.put_endpoint(cmd.endpoint);
                                                       return cmd.endpoint;
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
      [=](delete_endpoint_cmd& cmd) -> caf::result<bool> {
        return enqueue_value<bool>(self, [cmd = std::move(cmd)](store::store& db) {
          return db.delete_endpoint(cmd.endpoint_id, cmd.at);
        });
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
            self, [cmd](store::store& db) { return db.requeue_message(cmd.message_seq, cmd.now); });
      },
      [=](purge_idempotency_cmd& cmd) -> caf::result<std::size_t> {
        return enqueue_value<std::size_t>(
            self, [cmd](store::store& db) { return db.purge_idempotency(cmd.before); });
      },
      [=](flush_atom) -> caf::result<caf::ok_atom> {
        return enqueue_value<caf::ok_atom>(self, [](store::store&) { return caf::ok_atom_v; });
      },
      [=](commit_atom) { commit(self); },
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

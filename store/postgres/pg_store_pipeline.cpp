// A writer's batch in one round trip (store::begin_command, store::settle): inside a command,
// the hot write calls send their statement down the connection's pipeline and keep what to do
// with its answer; settle() (called by commit() and by every call that must wait for an
// answer) receives the answers in order and finishes each call as if it had waited.
//
// Every statement sent this way writes nothing when its call is refused, as at once: a
// duplicate key or a missing row writes no row, a message for a disabled endpoint is guarded in
// its SQL (pg_statements.cpp), and an error PostgreSQL raises fails the transaction anyway.
#include "store/postgres/pg_store_impl.hpp"

namespace hookd::store {

void pg_store::begin_command(std::size_t n) {
  if (explicit_transaction_ && !options_.read_only)
    command_ = n;
}

void pg_store::write(pg::stmt s, const pg::params& p, std::string_view op, completion done) {
  if (!command_ || !explicit_transaction_) {
    auto r = run(s, p, op);
    done(r);
    return;
  }
  db().send(pg::name_of(s), p, op);
  held_back_.push_back(held_back{*command_, op, std::move(done)});
}

void pg_store::settle() {
  if (held_back_.empty())
    return;
  auto pending = std::move(held_back_);
  held_back_.clear();
  std::vector<pg::result> answers;
  try {
    answers = db().receive_all("settle");
    if (answers.size() != pending.size()) // the pipeline was dropped (a send failed half-way)
      throw error("settle: " + std::to_string(answers.size()) + " answers for " +
                  std::to_string(pending.size()) + " statements sent; roll back and start again");
  } catch (const error& e) {
    broken_because_ = e.what();
    throw;
  }
  // In order: the first refusal ends it; the caller rolls back (the later answers were
  // received, so the connection is ready for the ROLLBACK).
  for (std::size_t i = 0; i < pending.size(); ++i) {
    try {
      auto r = conn_->check(std::move(answers[i]), pending[i].op);
      pending[i].done(r);
    } catch (error& e) {
      if (e.what_kind() == error::kind::failure || conn_->transaction_failed())
        broken_because_ = e.what();
      e.for_command(pending[i].command);
      throw;
    }
  }
}

} // namespace hookd::store

#include "store/postgres/pg_store_impl.hpp"

#include "policy/cluster_partition.hpp"
#include "store/postgres/pg_schema.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace hookd::store {
namespace {

/// A new session: the layout up to date, commits durable, the statements prepared.
std::unique_ptr<pg::connection> connect(const std::string& conninfo,
                                        const postgres_options& options) {
  auto c = std::make_unique<pg::connection>(conninfo);
  pg::migrate(*c);
  // A 202 stands on the commit: never acknowledge one only in the server's memory, whatever
  // the server's default (synchronous_commit = off would lose the last commits in a crash).
  c->exec("SET synchronous_commit = on", "open");
  if (options.read_only)
    c->exec("SET default_transaction_read_only = on", "open");
  else // every write statement finds its rows by key: one plan fits all its parameters, and
       // re-planning the message insert (a CTE over unnested arrays) at each call cost more
       // than running it
    c->exec("SET plan_cache_mode = force_generic_plan", "open");
  if (options.idle_transaction_timeout > duration{0})
    c->exec("SET idle_in_transaction_session_timeout = " +
                std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   options.idle_transaction_timeout)
                                   .count()),
            "open");
  pg::prepare_statements(*c);
  return c;
}

} // namespace

pg_store::pg_store(std::string conninfo, const postgres_options& options)
    : conninfo_(std::move(conninfo)), options_(options),
      conn_(connect(conninfo_, options_)) {}

pg_store::~pg_store() = default; // the connection's end rolls back whatever is open

pg::connection& pg_store::db() {
  if (conn_ && !conn_->broken())
    return *conn_;
  if (explicit_transaction_)
    throw error("postgres: the connection was lost inside a transaction; call rollback() and "
                "start again");
  conn_.reset();
  conn_ = connect(conninfo_, options_); // throws (kind failure) while the server is away
  return *conn_;
}

pg::result pg_store::run(pg::stmt s, const pg::params& p, std::string_view op) {
  settle();
  return db().run(pg::name_of(s), p, op);
}

// -- transactions ---------------------------------------------------------------------------------

void pg_store::begin() {
  if (explicit_transaction_)
    throw error("begin: a transaction is open already (commit() or rollback() it first)");
  totals_delta_.clear();
  announced_.clear();
  changed_endpoints_.clear();
  command_.reset();
  held_back_.clear();
  broken_because_.clear();
  explicit_transaction_ = false; // so that db() may connect again
  db().exec(options_.read_only ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN", "begin");
  explicit_transaction_ = true;
}

void pg_store::commit() {
  try {
    if (!explicit_transaction_)
      throw error("commit: no transaction is open (begin() was not called)");
    settle();
    if (!broken_because_.empty())
      throw error("commit: an earlier write failed (" + broken_because_ +
                  "); call rollback() and start again");
    flush_totals("commit");
    announce("commit");
    commit_or_throw("commit");
  } catch (...) {
    rollback_quietly_all();
    throw;
  }
  command_.reset();
  explicit_transaction_ = false;
}

void pg_store::rollback() {
  rollback_quietly_all();
}

void pg_store::rollback_quietly_all() noexcept {
  explicit_transaction_ = false;
  command_.reset();
  held_back_.clear();
  broken_because_.clear();
  totals_delta_.clear();
  announced_.clear();
  changed_endpoints_.clear();
  if (conn_) {
    conn_->abandon_pipeline();
    conn_->rollback_quietly();
  }
}

void pg_store::commit_or_throw(std::string_view op) {
  auto r = db().exec("COMMIT", op);
  // PostgreSQL answers ROLLBACK to a COMMIT of a transaction that had failed.
  if (r.command() != "COMMIT")
    throw error(std::string{op} + ": PostgreSQL rolled the transaction back (" +
                r.command() + ")");
}

// -- transaction rules ----------------------------------------------------------------------------

void pg_store::check_writable(std::string_view op) const {
  if (options_.read_only)
    throw error(std::string{op} + ": this store instance is read-only");
  if (!broken_because_.empty())
    throw error(std::string{op} + ": an earlier write failed (" + broken_because_ +
                "); call rollback() and start again");
}

void pg_store::flush_totals(std::string_view op) {
  std::vector<std::string> ids;
  std::vector<std::int64_t> deltas;
  for (const auto& [endpoint_id, n] : totals_delta_) { // a std::map: in id order
    if (n == 0)
      continue;
    ids.push_back(endpoint_id);
    deltas.push_back(n);
  }
  totals_delta_.clear();
  if (ids.empty())
    return;
  pg::params p;
  p.bind_array(pg::text_array(ids)).bind_array(pg::int_array(deltas));
  run(pg::stmt::add_delivery_totals, p, op);
}

void pg_store::work_added(std::int64_t message_seq, const std::string& endpoint_id) {
  if (options_.node_id.empty())
    return;
  const seq_in_part item{message_seq, policy::partition_of(endpoint_id)};
  if (std::find(announced_.begin(), announced_.end(), item) == announced_.end())
    announced_.push_back(item);
}

void pg_store::announce(std::string_view op) {
  if (options_.node_id.empty())
    return;
  auto send = [&](const char* channel, const std::vector<std::string>& payloads) {
    if (payloads.empty())
      return;
    pg::params p;
    p.bind_text(channel).bind_array(pg::text_array(payloads));
    run(pg::stmt::notify, p, op);
  };
  send(deliveries_channel, encode_deliveries(options_.node_id, announced_));
  send(endpoints_channel,
       encode_endpoints(options_.node_id, {changed_endpoints_.begin(), changed_endpoints_.end()}));
  announced_.clear();
  changed_endpoints_.clear();
}

std::int64_t pg_store::unflushed_total(const std::string& endpoint_id) const {
  auto it = totals_delta_.find(endpoint_id);
  return it == totals_delta_.end() ? 0 : it->second;
}

std::unique_ptr<store> open_postgres_store(const std::string& conninfo,
                                           const postgres_options& options) {
  return std::make_unique<pg_store>(conninfo, options);
}

} // namespace hookd::store

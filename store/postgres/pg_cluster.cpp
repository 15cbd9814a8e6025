#include "store/postgres/pg_cluster.hpp"

#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_schema.hpp"
#include "store/store.hpp"

namespace hookd::store {
namespace {

/// The leader lock's key ("hookd" in ASCII, then 2); the migration lock's ends in 1.
constexpr const char* leader_key = "448311814244002";

} // namespace

pg_cluster_store::pg_cluster_store(const std::string& conninfo, std::string node_id, duration lease_ttl)
    : db_(std::make_unique<pg::connection>(conninfo)), node_id_(std::move(node_id)),
      ttl_(std::to_string(lease_ttl.count()) + " milliseconds") {
  pg::migrate(*db_);
  db_->exec("SET synchronous_commit = on", "cluster");
}

pg_cluster_store::~pg_cluster_store() = default;

heartbeat_report pg_cluster_store::heartbeat(const cluster_node& me,
                                             const std::vector<std::uint32_t>& held) {
  constexpr std::string_view op = "cluster heartbeat";
  heartbeat_report report;
  db_->exec("BEGIN", op);
  try {
    pg::params node;
    node.bind_text(node_id_)
        .bind_time(me.started_at)
        .bind_text(me.version)
        .bind_int(me.endpoints_owned)
        .bind_int(me.attempts_5m)
        .bind_int(me.failed_5m);
    db_->exec("INSERT INTO cluster_nodes (node_id, started_at, heartbeat_at, version, "
              "endpoints_owned, attempts_5m, failed_5m) VALUES ($1, $2, now(), $3, $4, $5, $6) "
              "ON CONFLICT (node_id) DO UPDATE SET started_at = excluded.started_at, "
              "heartbeat_at = now(), version = excluded.version, endpoints_owned = "
              "excluded.endpoints_owned, attempts_5m = excluded.attempts_5m, failed_5m = "
              "excluded.failed_5m",
              node, op);
    std::vector<std::int64_t> mine(held.begin(), held.end());
    pg::params leases_of_me;
    leases_of_me.bind_text(node_id_).bind_array(pg::int_array(mine));
    db_->exec("UPDATE cluster_leases SET owner = NULL, expires_at = '-infinity' WHERE owner = $1 "
              "AND NOT (part = ANY ($2::integer[]))",
              leases_of_me, op);
    pg::params renew;
    renew.bind_text(node_id_).bind_text(ttl_).bind_array(pg::int_array(mine));
    auto renewed = db_->exec("UPDATE cluster_leases SET expires_at = now() + $2::interval "
                             "WHERE owner = $1 AND part = ANY ($3::integer[]) AND expires_at > "
                             "now() RETURNING part, epoch",
                             renew, op);
    while (renewed.next()) {
      lease_token t;
      t.part = static_cast<std::int32_t>(renewed.column_int());
      t.epoch = renewed.column_int();
      report.held.push_back(t);
    }
    auto leases = db_->exec("SELECT part, coalesce(owner, ''), expires_at <= now() FROM "
                            "cluster_leases ORDER BY part",
                            op);
    while (leases.next()) {
      policy::lease_row row;
      row.part = static_cast<std::uint32_t>(leases.column_int());
      row.owner = leases.column_text();
      row.expired = leases.column_int() != 0;
      report.leases.push_back(std::move(row));
    }
    pg::params ttl;
    ttl.bind_text(ttl_);
    auto nodes = db_->exec(
        "SELECT node_id, started_at, (extract(epoch FROM heartbeat_at) * 1000)::bigint, "
        "endpoints_owned, version, attempts_5m, failed_5m FROM cluster_nodes WHERE "
        "heartbeat_at > now() - $1::interval ORDER BY node_id",
        ttl, op);
    while (nodes.next()) {
      cluster_node n;
      n.node_id = nodes.column_text();
      n.started_at = nodes.column_time();
      n.last_heartbeat_at = nodes.column_time();
      n.endpoints_owned = nodes.column_int();
      n.version = nodes.column_text();
      n.attempts_5m = nodes.column_int();
      n.failed_5m = nodes.column_int();
      report.live_nodes.push_back(std::move(n));
    }
    auto committed = db_->exec("COMMIT", op);
    if (committed.command() != "COMMIT")
      throw error(std::string{op} + ": PostgreSQL rolled the heartbeat back");
  } catch (...) {
    db_->rollback_quietly();
    throw;
  }
  if (!leader_) {
    auto r = db_->exec(std::string{"SELECT pg_try_advisory_lock("} + leader_key + ")", op);
    leader_ = r.next() && r.column_int() != 0;
  }
  report.leader = leader_;
  return report;
}

std::vector<lease_token> pg_cluster_store::claim(const std::vector<std::uint32_t>& parts) {
  std::vector<lease_token> won;
  if (parts.empty())
    return won;
  std::vector<std::int64_t> list(parts.begin(), parts.end());
  pg::params p;
  p.bind_text(node_id_).bind_text(ttl_).bind_array(pg::int_array(list));
  auto r = db_->exec("UPDATE cluster_leases SET owner = $1, epoch = epoch + 1, expires_at = "
                     "now() + $2::interval WHERE part = ANY ($3::integer[]) AND (owner IS NULL OR "
                     "expires_at <= now()) RETURNING part, epoch",
                     p, "cluster claim");
  while (r.next()) {
    lease_token t;
    t.part = static_cast<std::int32_t>(r.column_int());
    t.epoch = r.column_int();
    won.push_back(t);
  }
  return won;
}

void pg_cluster_store::release(const std::vector<std::uint32_t>& parts) {
  if (parts.empty())
    return;
  std::vector<std::int64_t> list(parts.begin(), parts.end());
  pg::params p;
  p.bind_text(node_id_).bind_array(pg::int_array(list));
  db_->exec("WITH r AS (UPDATE cluster_leases SET owner = NULL, expires_at = '-infinity' WHERE "
            "owner = $1 AND part = ANY ($2::integer[]) RETURNING 1) "
            "SELECT pg_notify('hookd_cluster', $1) FROM (SELECT count(*) AS n FROM r) c "
            "WHERE c.n > 0",
            p, "cluster release");
}

void pg_cluster_store::leave() {
  pg::params p;
  p.bind_text(node_id_);
  db_->exec("WITH r AS (UPDATE cluster_leases SET owner = NULL, expires_at = '-infinity' WHERE "
            "owner = $1), n AS (DELETE FROM cluster_nodes WHERE node_id = $1) "
            "SELECT pg_notify('hookd_cluster', $1)",
            p, "cluster leave");
}

void pg_cluster_store::forget_dead_nodes(duration after) {
  pg::params p;
  p.bind_text(std::to_string(after.count()) + " milliseconds");
  db_->exec("DELETE FROM cluster_nodes WHERE heartbeat_at < now() - $1::interval", p,
            "cluster forget");
}

} // namespace hookd::store

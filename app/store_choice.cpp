#include "app/store_choice.hpp"

#include "actors/engine_context.hpp"

#include "store/postgres/pg_cluster.hpp"
#include "store/postgres/pg_store.hpp"

#include <libpq-fe.h>

#include <cstdio>

#include <unistd.h>

namespace hookd {

std::function<std::shared_ptr<store::store>(store_role)>
open_postgres_at(std::string conninfo, std::string node_id, duration lease_ttl) {
  return [conninfo = std::move(conninfo), node_id = std::move(node_id),
          lease_ttl](store_role role) {
    store::postgres_options opts;
    opts.read_only = role == store_role::reader;
    if (role == store_role::writer && !node_id.empty()) { // cluster mode
      opts.node_id = node_id;
      opts.idle_transaction_timeout = lease_ttl;
      opts.fan_out_in_store = true;
      opts.fan_out_excluding = alert_endpoint_id;
    }
    return std::shared_ptr<store::store>{store::open_postgres_store(conninfo, opts)};
  };
}

std::function<std::shared_ptr<store::store>(store_role)>
open_configured_store(const config::store_section& cfg, const std::string& node_id,
                      duration lease_ttl) {
  if (cfg.backend == "postgres")
    return open_postgres_at(cfg.url, node_id, lease_ttl);
  return open_sqlite_at(cfg.path);
}

std::optional<cluster_options> cluster_for(const config::config& cfg, const std::string& node_id) {
  if (cfg.store.backend != "postgres")
    return std::nullopt;
  cluster_options c;
  c.node_id = node_id;
  c.connect = [url = cfg.store.url, node_id, ttl = cfg.cluster.lease_ttl] {
    return std::unique_ptr<store::cluster_store>{
        std::make_unique<store::pg_cluster_store>(url, node_id, ttl)};
  };
  return c;
}

std::string node_id_for(const config::cluster_section& cfg) {
  if (!cfg.node_id.empty())
    return cfg.node_id;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
    (void)std::snprintf(host, sizeof host, "hookd");
  return std::string{host} + "-" + std::to_string(getpid());
}

std::string describe_store(const config::store_section& cfg) {
  if (cfg.backend != "postgres")
    return cfg.path;
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(cfg.url.c_str(), &parse_error);
  if (!options) {
    PQfreemem(parse_error);
    return "postgres (a connection string libpq cannot parse)";
  }
  std::string host = "localhost", port = "5432", dbname;
  for (auto* o = options; o->keyword; ++o) {
    if (!o->val)
      continue;
    const std::string key = o->keyword;
    if (key == "host" || key == "hostaddr")
      host = o->val;
    else if (key == "port")
      port = o->val;
    else if (key == "dbname")
      dbname = o->val;
  }
  PQconninfoFree(options);
  return "postgres " + host + ":" + port + "/" + dbname;
}

} // namespace hookd

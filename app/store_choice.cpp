#include "app/store_choice.hpp"

#include "store/postgres/pg_store.hpp"

#include <libpq-fe.h>

namespace hookd {

std::function<std::shared_ptr<store::store>(store_role)> open_postgres_at(std::string conninfo) {
  return [conninfo = std::move(conninfo)](store_role role) {
    store::postgres_options opts;
    opts.read_only = role == store_role::reader;
    return std::shared_ptr<store::store>{store::open_postgres_store(conninfo, opts)};
  };
}

std::function<std::shared_ptr<store::store>(store_role)> open_configured_store(
    const config::store_section& cfg) {
  if (cfg.backend == "postgres")
    return open_postgres_at(cfg.url);
  return open_sqlite_at(cfg.path);
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

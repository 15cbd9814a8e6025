#pragma once
// Which store the configuration names ([store] backend): the embedded SQLite file or a
// PostgreSQL database shared by the nodes of a cluster.
#include "app/engine.hpp"
#include "config/config.hpp"

#include <functional>
#include <memory>
#include <string>

namespace hookd {

/// engine_options::open_store for the PostgreSQL database at `conninfo` (one connection per
/// instance; the reader's transactions are read-only snapshots).
std::function<std::shared_ptr<store::store>(store_role)> open_postgres_at(std::string conninfo);

/// engine_options::open_store for cfg.store.
std::function<std::shared_ptr<store::store>(store_role)> open_configured_store(
    const config::store_section& cfg);

/// The store for log lines: the SQLite path, or "postgres host:port/dbname" (never a password).
std::string describe_store(const config::store_section& cfg);

} // namespace hookd

#pragma once
// Which store the configuration names ([store] backend): the embedded SQLite file or a
// PostgreSQL database shared by the nodes of a cluster.
#include "app/engine.hpp"
#include "config/config.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace hookd {

/// engine_options::open_store for the PostgreSQL database at `conninfo` (one connection per
/// instance; the reader's transactions are read-only snapshots). With `node_id` (cluster mode)
/// the writer announces what it commits to the other nodes, and PostgreSQL ends a writer
/// transaction left idle for `lease_ttl` (a node frozen half-way through one would otherwise
/// hold its row locks against the node that took its endpoints over).
std::function<std::shared_ptr<store::store>(store_role)>
open_postgres_at(std::string conninfo, std::string node_id = {}, duration lease_ttl = {});

/// engine_options::open_store for cfg.store (`node_id`, `lease_ttl`: see open_postgres_at).
std::function<std::shared_ptr<store::store>(store_role)>
open_configured_store(const config::store_section& cfg, const std::string& node_id = {},
                      duration lease_ttl = {});

/// Cluster mode: engine_options::cluster for cfg (PostgreSQL); nullopt for SQLite.
std::optional<cluster_options> cluster_for(const config::config& cfg, const std::string& node_id);

/// cluster.node_id, or <hostname>-<pid> when it is empty.
std::string node_id_for(const config::cluster_section& cfg);

/// The store for log lines: the SQLite path, or "postgres host:port/dbname" (never a password).
std::string describe_store(const config::store_section& cfg);

} // namespace hookd

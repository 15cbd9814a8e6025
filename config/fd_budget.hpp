#pragma once
// How many API connections the descriptor limit (RLIMIT_NOFILE) leaves room for. Every
// connection is a descriptor, and so is every outbound attempt, pooled connection, the store's
// files and the logs: the API gets what is left after a reserve for those, so that a flood of
// API connections cannot starve deliveries (whose failures would then be blamed on endpoints).
// Pure: the caller passes the limit in force (app/main.cpp, after raising it to the hard limit).
#include "config/config.hpp"

#include <cstddef>
#include <string>

namespace hookd::config {

/// server.max_connections = 0: as many as the budget allows, but no more than this.
inline constexpr std::size_t auto_max_connections = 10000;

/// Attempts one HTTP destination (there is one per http.io_threads) carries at once: its share
/// of http.max_in_flight, at least 1. Its client parks at most as many idle connections
/// (net::client_options::max_idle_total).
std::size_t attempts_per_destination(const config& c);

/// Descriptors kept out of the API's reach: for every destination, one per attempt in flight
/// and one per idle pooled connection (2 x attempts_per_destination x http.io_threads, which is
/// 2 x http.max_in_flight at most unless io_threads exceeds it), plus 256 for the store, logs,
/// io contexts, threads and DNS lookups.
std::size_t fd_reserve(const config& c);

struct connection_budget {
  std::size_t max_connections = 0; ///< what the server may hold; 0 when `error` is set
  std::string error;               ///< why the configuration does not fit the limit
};

/// The API's connection limit under `fd_limit` descriptors: server.max_connections when it fits
/// below fd_limit - fd_reserve, for 0 the budget capped at auto_max_connections; an error when
/// the configured value does not fit or the reserve alone exceeds the limit.
connection_budget api_connection_budget(const config& c, std::size_t fd_limit);

} // namespace hookd::config

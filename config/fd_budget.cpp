#include "config/fd_budget.hpp"

#include <algorithm>

namespace hookd::config {

namespace {

std::size_t destinations(const config& c) {
  return static_cast<std::size_t>(std::max(1, c.http.io_threads));
}

} // namespace

std::size_t attempts_per_destination(const config& c) {
  const auto in_flight = static_cast<std::size_t>(std::max(1, c.http.max_in_flight));
  return std::max<std::size_t>(1, in_flight / destinations(c));
}

std::size_t fd_reserve(const config& c) {
  const std::size_t sockets_in_flight = destinations(c) * attempts_per_destination(c);
  const std::size_t idle_pooled = destinations(c) * attempts_per_destination(c);
  return sockets_in_flight + idle_pooled + 256;
}

connection_budget api_connection_budget(const config& c, std::size_t fd_limit) {
  const std::size_t reserve = fd_reserve(c);
  const std::string limits = "the open-file limit is " + std::to_string(fd_limit) + " and " +
                             std::to_string(reserve) +
                             " are kept for deliveries, the store and logs (2 x "
                             "http.max_in_flight + 256: attempts and idle pooled connections)";
  const std::string remedy =
      "; raise the limit (ulimit -n, systemd LimitNOFILE=) or lower server.max_connections or "
      "http.max_in_flight";
  if (fd_limit <= reserve)
    return {0, "no descriptor is left for API connections: " + limits + remedy};
  const std::size_t budget = fd_limit - reserve;
  const std::size_t wanted = c.server.max_connections;
  if (wanted == 0)
    return {std::min(budget, auto_max_connections), {}};
  if (wanted > budget)
    return {0, "server.max_connections = " + std::to_string(wanted) + " does not fit: " + limits +
                   ", which leaves " + std::to_string(budget) + remedy};
  return {wanted, {}};
}

} // namespace hookd::config

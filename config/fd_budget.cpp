#include "config/fd_budget.hpp"

#include <algorithm>

namespace hookd::config {

std::size_t fd_reserve(const config& c) {
  const auto in_flight = static_cast<std::size_t>(std::max(1, c.http.max_in_flight));
  return 2 * in_flight + 256;
}

connection_budget api_connection_budget(const config& c, std::size_t fd_limit) {
  const std::size_t reserve = fd_reserve(c);
  const std::string limits = "the open-file limit is " + std::to_string(fd_limit) + " and " +
                             std::to_string(reserve) +
                             " are kept for deliveries, the store and logs (2 x "
                             "http.max_in_flight + 256)";
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

// The API's connection limit under the open-file limit (config/fd_budget.hpp): the configured
// value when it fits beside the delivery reserve, the auto value for 0, an error otherwise.
#include "config/fd_budget.hpp"

#include <catch2/catch.hpp>

using namespace hookd::config;

TEST_CASE("server.max_connections must fit below the open-file limit minus the reserve",
          "[config][limits]") {
  struct row {
    std::size_t max_connections; ///< configured (0: auto)
    int max_in_flight;
    std::size_t fd_limit;
    std::size_t expected; ///< 0: refused
    const char* reason;   ///< fragment of the refusal
  };
  // reserve = 2 * max_in_flight + 256: 2304 for the default 1024, 456 for 100.
  const row table[] = {
      {0, 1024, 1'048'576, 10000, ""}, // auto: capped
      {0, 1024, 20000, 10000, ""},     // auto: 17696 left, capped
      {0, 1024, 4096, 1792, ""},       // auto: what is left
      {0, 100, 1024, 568, ""},         // a small limit with a small reserve
      {0, 1024, 2304, 0, "no descriptor is left"},
      {0, 1024, 1024, 0, "no descriptor is left"},
      {10000, 1024, 12304, 10000, ""}, // exactly fits
      {10001, 1024, 12304, 0, "server.max_connections = 10001 does not fit"},
      {50000, 1024, 20000, 0, "which leaves 17696"},
      {50000, 1024, 1'048'576, 50000, ""}, // above the auto cap when asked for
      {1, 1024, 2305, 1, ""},
      {5000, 100, 4096, 0, "open-file limit is 4096 and 456 are kept"},
  };
  for (const auto& r : table) {
    config c;
    c.server.max_connections = r.max_connections;
    c.http.max_in_flight = r.max_in_flight;
    INFO("max_connections " << r.max_connections << ", max_in_flight " << r.max_in_flight
                            << ", limit " << r.fd_limit);
    auto budget = api_connection_budget(c, r.fd_limit);
    CHECK(budget.max_connections == r.expected);
    if (r.expected == 0) {
      CHECK_THAT(budget.error, Catch::Contains(r.reason));
      CHECK_THAT(budget.error, Catch::Contains("LimitNOFILE"));
    } else {
      CHECK(budget.error.empty());
      CHECK(budget.max_connections + fd_reserve(c) <= r.fd_limit);
    }
  }
}

TEST_CASE("the reserve covers every destination's attempts and idle pooled connections",
          "[config][limits]") {
  struct row {
    int max_in_flight;
    int io_threads;
    std::size_t per_destination; ///< attempts in flight, and idle connections parked, at most
    std::size_t reserve;
  };
  const row table[] = {
      {1024, 1, 1024, 2304}, {1024, 4, 256, 2304}, {1000, 3, 333, 2254},
      {2, 4, 1, 264}, // more io threads than attempts: each destination still carries one
      {0, 1, 1, 258},
  };
  for (const auto& r : table) {
    config c;
    c.http.max_in_flight = r.max_in_flight;
    c.http.io_threads = r.io_threads;
    INFO("max_in_flight " << r.max_in_flight << ", io_threads " << r.io_threads);
    CHECK(attempts_per_destination(c) == r.per_destination);
    CHECK(fd_reserve(c) == r.reserve);
    const auto destinations = static_cast<std::size_t>(r.io_threads);
    CHECK(fd_reserve(c) >= destinations * 2 * attempts_per_destination(c) + 256);
  }
}

// endpoint_windows: each endpoint's attempts of the last hour, in 5-minute buckets, with
// explicit time points; stale entries are dropped as the shard moves on.
#include "metrics/endpoint_windows.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace std::chrono_literals;
using hookd::metrics::endpoint_windows;

namespace {

const hookd::time_point t0 = hookd::from_unix_ms(1'704'110'400'000); // 2024-01-01 12:00:00 UTC

} // namespace

TEST_CASE("an endpoint's counts cover the hour before now, bucket by bucket", "[windows]") {
  endpoint_windows w;
  w.record("ep_a", t0, true);
  w.record("ep_a", t0 + 1min, false);
  w.record("ep_a", t0 + 20min, true);
  w.record("ep_b", t0 + 2min, false);

  struct row {
    const char* endpoint;
    hookd::duration now;
    std::uint64_t succeeded;
    std::uint64_t failed;
  };
  const std::vector<row> rows{
      {"ep_a", 4min, 1, 1},   // 12:00 and 12:01 share the 12:00–12:05 bucket
      {"ep_a", 19min, 1, 1},
      {"ep_a", 30min, 2, 1},
      {"ep_a", 59min, 2, 1},  // the first bucket (12:00–12:05) is still in the hour
      {"ep_a", 60min, 1, 0},  // a 13:00 reading drops the 12:00 bucket
      {"ep_a", 80min, 0, 0},
      {"ep_b", 30min, 0, 1},  // endpoints are apart
      {"ep_c", 30min, 0, 0},  // never seen
  };
  for (const auto& r : rows) {
    INFO(r.endpoint << " at t0 + " << std::chrono::duration_cast<std::chrono::minutes>(r.now).count() << " min");
    const auto c = w.last_hour(r.endpoint, t0 + r.now);
    CHECK(c.succeeded == r.succeeded);
    CHECK(c.failed == r.failed);
  }
}

TEST_CASE("entries with nothing in the last hour are dropped, forget drops one at once",
          "[windows]") {
  endpoint_windows w;
  for (int i = 0; i < 100; ++i)
    w.record("ep_" + std::to_string(i), t0, true);
  CHECK(w.size() == 100);
  w.forget("ep_7");
  CHECK(w.size() == 99);
  CHECK(w.last_hour("ep_7", t0).total() == 0);

  // Two hours later every shard that records prunes what is stale; the new entries stay.
  for (int i = 0; i < 100; ++i)
    w.record("ep_new_" + std::to_string(i), t0 + 2h, false);
  CHECK(w.size() == 100);
  CHECK(w.last_hour("ep_new_3", t0 + 2h).failed == 1);
  CHECK(w.last_hour("ep_3", t0 + 2h).total() == 0);
}

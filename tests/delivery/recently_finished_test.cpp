#include "delivery/endpoint_scheduler.hpp"
#include "delivery/recently_finished.hpp"

#include <catch2/catch.hpp>

using namespace hookd;
using namespace hookd::delivery;
using namespace std::chrono_literals;

namespace {

time_point at(std::int64_t ms) { return from_unix_ms(1'700'000'000'000 + ms); }

} // namespace

TEST_CASE("recently_finished: a copy updated before the finish is stale, one after it is new",
          "[delivery][recently_finished]") {
  recently_finished f;
  f.remember(7, at(1000));
  struct row {
    std::int64_t id;
    time_point updated_at;
    bool stale;
  };
  for (auto [id, updated_at, stale] : {row{7, at(500), true},     // read before the final record
                                       row{7, at(1000), true},    // the final record's own time
                                       row{7, no_time, true},     // unknown: assume stale
                                       row{7, at(1001), false},   // an operator's retry after it
                                       row{8, at(500), false}}) { // never finished here
    INFO(id << " updated at " << to_unix_ms(updated_at));
    CHECK(f.stale(id, updated_at) == stale);
  }
}

TEST_CASE("recently_finished: forgets after `keep` and beyond max_entries",
          "[delivery][recently_finished]") {
  recently_finished f;
  f.remember(1, at(0));
  f.prune(at(0) + recently_finished::keep);
  CHECK(f.stale(1, at(0)));
  f.prune(at(1) + recently_finished::keep);
  CHECK_FALSE(f.stale(1, at(0)));
  CHECK(f.size() == 0);
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(recently_finished::max_entries) + 10; ++i)
    f.remember(i, at(5));
  CHECK(f.size() == recently_finished::max_entries);
  CHECK_FALSE(f.stale(0, at(1)));
  CHECK(f.stale(100, at(1)));
}

TEST_CASE("the scheduler ignores a stale copy of a delivery it just delivered, takes a retry",
          "[delivery][recently_finished]") {
  scheduler_config cfg;
  endpoint_scheduler s{cfg, at(0), no_time, [] { return 0.0; }};
  pending_delivery d{1, 10, "msg_1", at(0), 0, no_time, at(0)};
  REQUIRE(s.add(d, at(0)));
  auto work = s.take_due(at(0));
  REQUIRE(work.starts.size() == 1);
  auto fx = s.on_result(1, at(20), {200, attempt_error::none, {}});
  REQUIRE(fx.known);
  CHECK(fx.update.status == delivery_status::delivered);
  CHECK_FALSE(s.add(d, at(0)));  // read from the store before the delivered record committed
  CHECK(s.add(d, at(5000)));     // re-queued by an operator afterwards
}

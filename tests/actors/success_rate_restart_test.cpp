// An endpoint's success_rate_1h is kept in memory (metrics/endpoint_windows.hpp); after a
// restart the engine fills it again from the attempt log's last hour before any actor runs.
#include "actors/engine_context.hpp"
#include "store/sqlite_store.hpp"
#include "tests/actors/vtime_engine.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using namespace hookd;
using hookd::testing::vtime_engine;

namespace {

/// Writes `attempts` (start, outcome) as attempts of one message to `endpoint_id`, as a store
/// left by an earlier run.
void log_attempts(const std::string& path, const std::string& endpoint_id,
                  const std::vector<std::pair<time_point, attempt_outcome>>& attempts) {
  auto db = store::open_sqlite_store(path);
  store::endpoint_record ep;
  ep.id = endpoint_id;
  ep.url = "http://127.0.0.1:9/" + endpoint_id;
  ep.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  db->put_endpoint(ep);
  store::message_record msg;
  msg.id = "msg_" + endpoint_id;
  msg.event_type = "t";
  msg.payload = "{}";
  msg.created_at = attempts.front().first;
  std::vector<store::delivery_record> ds(1);
  ds[0].endpoint_id = endpoint_id;
  ds[0].next_attempt_at = msg.created_at;
  db->insert_message(msg, ds);
  std::int32_t n = 0;
  for (const auto& [at, outcome] : attempts) {
    store::attempt_record a;
    a.delivery_id = ds[0].id;
    a.at = at;
    a.outcome = outcome;
    store::delivery_update u;
    u.delivery_id = ds[0].id;
    u.status = delivery_status::delivered; // final: nothing to recover and attempt
    u.attempts = ++n;
    u.first_attempt_at = attempts.front().first;
    u.at = at;
    db->record_attempt(a, u);
  }
}

} // namespace

TEST_CASE("after a restart, each endpoint's success rate of the last hour comes back from the "
          "attempt log",
          "[engine][stats]") {
  const time_point t = std::chrono::time_point_cast<duration>(std::chrono::system_clock::now());
  using enum attempt_outcome;
  // Logged in start order, as hookd logs them (each when it ends).
  vtime_engine e{{}, [&](const std::string& path) {
                   log_attempts(path, "ep_old", {{t - 3h, failure}});
                   log_attempts(path, "ep_mixed",
                                {{t - 2h, success}, // older than the hour: not counted
                                 {t - 50min, failure},
                                 {t - 30min, permanent},
                                 {t - 10min, success}});
                 }};
  const auto& windows = e.eng().context()->metrics->per_endpoint;
  const auto mixed = windows.last_hour("ep_mixed", e.now());
  CHECK(mixed.succeeded == 1);
  CHECK(mixed.failed == 2);
  CHECK(windows.last_hour("ep_old", e.now()).total() == 0);
}

// failure_board: the most failing endpoints of the last hour, entries kept for a day after the
// last failure, success-only endpoints never tracked, forget.
#include "metrics/failure_board.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace std::chrono_literals;
using hookd::attempt_error;
using hookd::metrics::failing_endpoint;
using hookd::metrics::failure_board;

namespace {

const hookd::time_point t0 = hookd::from_unix_ms(1'704'112'470'000); // 2024-01-01 12:34:30 UTC

void fail(failure_board& b, const std::string& id, hookd::time_point at, int status = 500) {
  b.record_failure(id, "https://" + id + ".example/hook", at, status, attempt_error::http_status,
                   std::to_string(status), "msg_" + id);
}

std::vector<std::string> ids(const std::vector<failing_endpoint>& list) {
  std::vector<std::string> out;
  for (const auto& f : list)
    out.push_back(f.endpoint_id);
  return out;
}

/// Whether `id` still has an entry: a success is only counted on an existing entry, so record
/// one, then a failure, and look at the hour's successes.
bool still_tracked(failure_board& b, const std::string& id, hookd::time_point at) {
  b.record_success(id, at);
  fail(b, id, at);
  for (const auto& f : b.most_failing(at, 1000))
    if (f.endpoint_id == id)
      return f.succeeded_1h > 0;
  return false;
}

} // namespace

TEST_CASE("most_failing orders by failures in the last hour, then by the latest failure",
          "[metrics][failure_board]") {
  failure_board b;
  for (int i = 1; i <= 3; ++i)
    fail(b, "ep_a", t0 + std::chrono::seconds{i});
  for (int i = 4; i <= 8; ++i)
    fail(b, "ep_b", t0 + std::chrono::seconds{i}, 503);
  for (int i = 10; i <= 12; ++i)
    fail(b, "ep_c", t0 + std::chrono::seconds{i});
  b.record_success("ep_ok", t0 + 13s); // never failed: not tracked
  b.record_success("ep_a", t0 + 14s);
  b.record_failure("ep_b", "https://b.example/new", t0 + 15s, 0, attempt_error::timeout,
                   "deadline passed", "msg_last");

  const auto all = b.most_failing(t0 + 1min, 10);
  CHECK(ids(all) == std::vector<std::string>{"ep_b", "ep_c", "ep_a"});
  REQUIRE(all.size() == 3);
  CHECK(all[0].failed_1h == 6);
  CHECK(all[0].url == "https://b.example/new"); // the URL of the latest failure
  CHECK(all[0].succeeded_1h == 0);
  CHECK(all[0].last_status_code == 0);
  CHECK(all[0].last_error == attempt_error::timeout);
  CHECK(all[0].last_error_detail == "deadline passed");
  CHECK(all[0].last_message_id == "msg_last");
  CHECK(all[0].last_failure_at == t0 + 15s);
  CHECK(all[1].failed_1h == 3);
  CHECK(all[2].failed_1h == 3);
  CHECK(all[2].succeeded_1h == 1);
  CHECK(all[2].last_status_code == 500);
  CHECK(all[2].url == "https://ep_a.example/hook");

  CHECK(ids(b.most_failing(t0 + 1min, 2)) == std::vector<std::string>{"ep_b", "ep_c"});
  CHECK(b.most_failing(t0 + 1min, 0).empty());
}

TEST_CASE("endpoints with only successes never appear", "[metrics][failure_board]") {
  failure_board b;
  for (int i = 0; i < 100; ++i)
    b.record_success("ep_ok", t0 + std::chrono::seconds{i});
  CHECK(b.most_failing(t0 + 2min, 10).empty());
  CHECK_FALSE(still_tracked(b, "ep_ok", t0 + 3min)); // the successes left no entry behind
}

TEST_CASE("failures older than an hour leave the list, the entry stays for a day",
          "[metrics][failure_board]") {
  failure_board b;
  for (int i = 0; i < 4; ++i)
    fail(b, "ep_x", t0);
  fail(b, "ep_x", t0 + 30min);
  CHECK(b.most_failing(t0 + 40min, 10).at(0).failed_1h == 5);
  CHECK(b.most_failing(t0 + 70min, 10).at(0).failed_1h == 1); // t0's 5-minute bucket slid out
  CHECK(b.most_failing(t0 + 2h, 10).empty());
  CHECK(still_tracked(b, "ep_x", t0 + 2h));
}

TEST_CASE("an entry expires 24 hours after its last failure", "[metrics][failure_board]") {
  SECTION("kept just before") {
    failure_board b;
    fail(b, "ep_x", t0);
    CHECK(b.most_failing(t0 + 23h + 59min, 10).empty());
    CHECK(still_tracked(b, "ep_x", t0 + 23h + 59min));
  }
  SECTION("gone just after") {
    failure_board b;
    fail(b, "ep_x", t0);
    CHECK(b.most_failing(t0 + 24h + 1min, 10).empty());
    CHECK_FALSE(still_tracked(b, "ep_x", t0 + 24h + 1min));
  }
  SECTION("a later failure restarts the day") {
    failure_board b;
    fail(b, "ep_x", t0);
    fail(b, "ep_x", t0 + 12h);
    CHECK(b.most_failing(t0 + 30h, 10).empty());
    CHECK(still_tracked(b, "ep_x", t0 + 30h));
  }
  SECTION("only the expired endpoints go") {
    failure_board b;
    fail(b, "ep_old", t0);
    fail(b, "ep_new", t0 + 23h + 30min);
    CHECK(b.most_failing(t0 + 24h + 1min, 10).size() == 1);
    CHECK_FALSE(still_tracked(b, "ep_old", t0 + 24h + 2min));
    CHECK(still_tracked(b, "ep_new", t0 + 24h + 2min));
  }
}

TEST_CASE("forget drops an endpoint's entry", "[metrics][failure_board]") {
  failure_board b;
  fail(b, "ep_x", t0);
  fail(b, "ep_y", t0);
  b.forget("ep_x");
  b.forget("ep_unknown"); // no entry: nothing happens
  CHECK(ids(b.most_failing(t0 + 1min, 10)) == std::vector<std::string>{"ep_y"});
  CHECK_FALSE(still_tracked(b, "ep_x", t0 + 2min));
  const auto list = b.most_failing(t0 + 2min, 10);
  REQUIRE(list.size() == 2);
  for (const auto& f : list)
    if (f.endpoint_id == "ep_x")
      CHECK(f.failed_1h == 1); // a fresh entry: the failure before forget is gone
}

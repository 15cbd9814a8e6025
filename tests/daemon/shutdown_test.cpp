// SIGTERM against the real binary when an endpoint's timeout_ms is longer than
// http.attempt_timeout: the drain waits for the attempt up to the endpoint's own timeout (not
// the configured attempt timeout), records it, and the process exits 0 in bounded time.
#include "tests/daemon/daemon_api.hpp"
#include "tests/daemon/daemon_process.hpp"
#include "tests/support/api_json.hpp"
#include "tests/support/live_helpers.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

TEST_CASE("daemon: SIGTERM waits for an attempt up to its endpoint's timeout_ms, records it and "
          "exits 0",
          "[daemon][shutdown]") {
  // http.attempt_timeout is 1 s (compressed flags); the endpoint allows 8 s and the receiver
  // answers after 7 s: longer than any grace derived from http.attempt_timeout.
  test_receiver rx{[](const received_request&) { return reply::ok().with_delay(7s); }};
  daemon_process d;
  d.start();
  const auto ep = create_endpoint(d, rx.url("/slow"),
                                  {{"event_types", {"shutdown.slow"}}, {"timeout_ms", 8000}});
  auto posted = call(d, "POST", "/v1/messages", R"({"event_type":"shutdown.slow","payload":{}})");
  INFO(show(posted));
  REQUIRE(posted.status == 202);
  const auto msg = id_of(json_of(posted));
  REQUIRE(rx.wait_for_count(1, 5s)); // the attempt is in flight

  const auto start = steady::now();
  d.send_sigterm();
  const auto status = d.wait_exit(8s + 6s);
  const auto took = steady::now() - start;
  INFO("stderr:\n" << d.log());
  REQUIRE(status == 0);
  CHECK(took >= 6s);     // it waited for the answer...
  CHECK(took < 8s + 4s); // ...bounded by the endpoint's timeout and a few seconds

  auto db = d.open_store_reader();
  const auto m = db->find_message(msg);
  REQUIRE(m);
  const auto deliveries = db->deliveries_of(m->seq);
  REQUIRE(deliveries.size() == 1);
  CHECK(deliveries.front().endpoint_id == id_of(ep));
  CHECK(deliveries.front().status == delivery_status::delivered);
  CHECK(deliveries.front().attempts == 1);
}

// GET /metrics after a scripted scenario, parsed by the strict text-format parser
// (tests/metrics/prometheus_parser): exact counter values, gauges read from the store.
#include "tests/api_http/api_harness.hpp"
#include "tests/metrics/prometheus_parser.hpp"
#include "tests/support/test_receiver.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;
namespace prom = hookd::test::prometheus;

TEST_CASE("api: /metrics counts a scripted scenario exactly: 3 successes, 2 retries, 1 disable",
          "[api_http][metrics]") {
  test_receiver ok;
  auto calls = std::make_shared<std::atomic<int>>(0);
  test_receiver flaky([calls](const received_request&) {
    return reply::with_status(calls->fetch_add(1) < 2 ? 500 : 200); // first two fail
  });
  test_receiver gone([](const received_request&) { return reply::with_status(410); });
  api_harness h;
  const auto a = h.create_endpoint(ok.url("/ok"))["id"].get<std::string>();
  const auto b = h.create_endpoint(flaky.url("/flaky"))["id"].get<std::string>();
  const auto c = h.create_endpoint(gone.url("/gone"))["id"].get<std::string>();

  std::vector<std::pair<std::string, std::string>> expected; // (message, endpoint), delivered
  for (int i = 0; i < 3; ++i)
    expected.emplace_back(h.post_message("t", "{}", a)["id"].get<std::string>(), a);
  const auto b1 = h.post_message("t", "{}", b)["id"].get<std::string>();
  REQUIRE(flaky.wait_for_count(1, 5s)); // one at a time, so the two failures are one each
  const auto b2 = h.post_message("t", "{}", b)["id"].get<std::string>();
  const auto c1 = h.post_message("t", "{}", c)["id"].get<std::string>();
  for (const auto& [m, ep] : expected)
    REQUIRE(h.wait_for_delivery(m, ep, "delivered"));
  REQUIRE(h.wait_for_delivery(b1, b, "delivered"));
  REQUIRE(h.wait_for_delivery(b2, b, "delivered"));
  REQUIRE(h.wait_for_delivery(c1, c, "failed"));

  auto r = h.call("GET", "/metrics");
  REQUIRE(r.status == 200);
  CHECK(r.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  const auto m = prom::parse(r.body); // throws on anything malformed
  CHECK(m.value("hookd_messages_accepted_total") == 6);
  CHECK(m.value("hookd_attempts_total", {{"outcome", "success"}}) == 5);
  CHECK(m.value("hookd_attempts_total", {{"outcome", "failure"}}) == 2);
  CHECK(m.value("hookd_attempts_total", {{"outcome", "permanent"}}) == 1);
  CHECK(m.value("hookd_retries_scheduled_total") == 2);
  CHECK(m.value("hookd_deliveries_total", {{"status", "delivered"}}) == 5);
  CHECK(m.value("hookd_deliveries_total", {{"status", "failed"}, {"reason", "endpoint_disabled"}}) == 1);
  CHECK(m.value("hookd_deliveries_total", {{"status", "failed"}, {"reason", "exhausted"}}) == 0);
  CHECK(m.value("hookd_endpoint_disabled_total", {{"reason", "gone"}}) == 1);
  CHECK(m.value("hookd_alerts_total", {{"kind", "endpoint_disabled"}}) == 1);
  CHECK(m.value("hookd_pending_deliveries") == 0);
  CHECK(m.value("hookd_endpoints", {{"status", "enabled"}}) == 2);
  CHECK(m.value("hookd_endpoints", {{"status", "disabled"}}) == 1);
  CHECK(m.value("hookd_attempt_duration_seconds_count") == 8);
  CHECK(m.value("hookd_delivery_latency_seconds_count") == 5);
  CHECK(m.value("hookd_attempts_in_flight") == 0);
  // The flaky endpoint's failures show in the bounded per-endpoint series.
  CHECK(m.value("hookd_endpoint_failed_attempts_1h", {{"endpoint_id", b}}) == 2);

  SECTION("the same counts feed /v1/stats") {
    auto s = h.call("GET", "/v1/stats");
    REQUIRE(s.status == 200);
    const auto j = nlohmann::json::parse(s.body);
    CHECK(j["totals"]["attempts"]["success"] == 5);
    CHECK(j["totals"]["deliveries"]["delivered"] == 5);
    CHECK(j["endpoints"]["disabled"] == 1);
    CHECK(j["alerts"][0]["kind"] == "endpoint_disabled");
    CHECK(j["throughput"].size() == 60);
  }
  SECTION("/metrics needs the token when one is configured") {
    CHECK(h.call_anonymous("GET", "/metrics").status == 401);
  }
}

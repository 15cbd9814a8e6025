// Alerts at alerts.alert_url, through real HTTP on 127.0.0.1: a 410 gives exactly one
// endpoint_disabled alert, signed the Standard Webhooks way with alerts.alert_secret.
#include "policy/signing.hpp"
#include "tests/engine/live_engine.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

TEST_CASE("live: a 410 produces exactly one endpoint_disabled alert at the alert URL, signed",
          "[live][alerts]") {
  test_receiver alerts_rx;
  test_receiver gone([](const received_request&) { return reply::with_status(410); });
  const std::string alert_secret = policy::generate_secret();
  live_engine e([&](config::config& c) {
    c.alerts.alert_url = alerts_rx.url("/alerts");
    c.alerts.alert_secret = alert_secret;
  });
  const auto ep = e.add_endpoint(gone.url("/gone"));
  for (int i = 0; i < 3; ++i) // three messages in flight at once: still one disable, one alert
    e.submit("{}", ep);
  REQUIRE(alerts_rx.wait_for_count(1, 5s));
  CHECK(holds_for([&] { return alerts_rx.count() == 1; }, 1s)); // and no second one

  const auto r = alerts_rx.requests().front();
  const auto body = nlohmann::json::parse(r.body);
  CHECK(body["type"] == "hookd.alert");
  CHECK(body["kind"] == "endpoint_disabled");
  CHECK(body["node_id"].is_null()); // one node; in cluster mode the node that raised it
  CHECK(body["endpoint_id"] == ep);
  CHECK(body["message_id"].is_string());
  CHECK(r.header("webhook-signature") ==
        policy::standard_signature(alert_secret, *r.header("webhook-id"),
                                   std::stoll(*r.header("webhook-timestamp")), r.body));
}

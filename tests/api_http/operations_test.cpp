// Operator actions over real HTTP: disable (pending deliveries fail with endpoint_disabled) and
// enable, recover {since} (failed deliveries re-queued and delivered), retry (an immediate
// extra attempt), DELETE (pending deliveries fail with endpoint_deleted, then 404), and secret
// rotation (both signatures on the next delivery, the previous secret shown by GET .../secret).
#include "policy/signing.hpp"
#include "tests/api_http/api_harness.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <sstream>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

namespace {

/// A receiver answering 500 until `healthy` is set, then 200.
test_receiver::handler failing_until(const std::shared_ptr<std::atomic<bool>>& healthy) {
  return [healthy](const received_request&) {
    return healthy->load() ? reply::ok() : reply::with_status(500, "not yet");
  };
}

/// Polls until the message's delivery to `ep` has made at least `n` attempts.
bool wait_for_attempts(api_harness& api, const std::string& msg, const std::string& ep, int n) {
  return wait_until([&] { return api.delivery_of(msg, ep)["attempts"].get<int>() >= n; });
}

std::vector<std::string> split_spaces(const std::string& text) {
  std::istringstream in{text};
  std::vector<std::string> out;
  for (std::string word; in >> word;)
    out.push_back(word);
  return out;
}

/// Standard Webhooks signature of a received request under `secret`.
std::string signature_for(const received_request& r, const std::string& secret) {
  return policy::standard_signature(secret, r.header("webhook-id").value_or(""),
                                    std::stoll(r.header("webhook-timestamp").value_or("0")),
                                    r.body);
}

} // namespace

TEST_CASE("api: disable fails pending deliveries with endpoint_disabled, enable turns it back on",
          "[api_http][operations]") {
  test_receiver rx{[](const received_request&) { return reply::with_status(500); }};
  api_harness api;
  const auto ep = id_of(api.create_endpoint(rx.url()));
  const auto m1 = id_of(api.post_message("t", R"({"n":1})"));
  const auto m2 = id_of(api.post_message("t", R"({"n":2})"));
  REQUIRE(wait_for_attempts(api, m1, ep, 1));
  REQUIRE(wait_for_attempts(api, m2, ep, 1));
  CHECK(api.delivery_of(m1, ep)["status"] == "pending");

  auto r = api.call("POST", "/v1/endpoints/" + ep + "/disable");
  INFO(show(r));
  REQUIRE(r.status == 200);
  const auto disabled = json_of(r);
  CHECK(disabled["status"] == "disabled");
  CHECK(disabled["disabled_reason"] == "manual");
  CHECK_FALSE(disabled.contains("secret"));
  for (const auto& m : {m1, m2}) {
    const auto d = api.delivery_of(m, ep);
    CHECK(d["status"] == "failed");
    CHECK(d["reason"] == "endpoint_disabled");
    CHECK(d["next_attempt_at"].is_null());
  }
  CHECK(api.get_endpoint(ep)["stats"]["pending"] == 0);
  CHECK(api.get_endpoint(ep)["stats"]["failed"] == 2);
  // It gets nothing more, and new messages skip it.
  const auto seen = rx.count();
  CHECK(api.post_message("t", "{}")["deliveries"] == json::array());
  CHECK(holds_for([&] { return rx.count() == seen; }, 600ms));

  r = api.call("POST", "/v1/endpoints/" + ep + "/enable");
  INFO(show(r));
  REQUIRE(r.status == 200);
  const auto enabled = json_of(r);
  CHECK(enabled["status"] == "enabled");
  CHECK(enabled["disabled_reason"].is_null());
  CHECK(api.call("POST", "/v1/endpoints/" + ep + "/enable").status == 200); // no-op
  // Deliveries failed while disabled stay failed; new messages reach it again.
  CHECK(api.delivery_of(m1, ep)["status"] == "failed");
  const auto m3 = api.post_message("t", R"({"n":3})");
  REQUIRE(m3["deliveries"].size() == 1);
  CHECK(m3["deliveries"][0]["endpoint_id"] == ep);
  REQUIRE(rx.wait_for_count(seen + 1));
}

TEST_CASE("api: recover re-queues failed deliveries and they get delivered",
          "[api_http][operations][recover]") {
  auto healthy = std::make_shared<std::atomic<bool>>(false);
  test_receiver rx{failing_until(healthy)};
  api_harness api{[](config::config& c) { c.retry.max_duration = 600ms; }};
  const auto ep = id_of(api.create_endpoint(rx.url()));
  const auto before = api_time(-1s);
  const auto msg = id_of(api.post_message("t", R"({"recover":"me"})"));

  // The retry window runs out: failed/exhausted.
  REQUIRE(api.wait_for_delivery(msg, ep, "failed", 5s));
  const auto exhausted = api.delivery_of(msg, ep);
  CHECK(exhausted["reason"] == "exhausted");
  const int failed_attempts = exhausted["attempts"].get<int>();
  CHECK(failed_attempts >= 2);
  healthy->store(true);

  // `since` after the message was created: nothing to do.
  auto none = api.call("POST", "/v1/endpoints/" + ep + "/recover",
                       R"({"since":")" + api_time(1min) + R"("})");
  INFO(show(none));
  REQUIRE(none.status == 202);
  CHECK(json_of(none) == json::parse(R"({"requeued":0})"));
  CHECK(api.delivery_of(msg, ep)["status"] == "failed");

  SECTION("on a disabled endpoint it is 409 until the endpoint is enabled") {
    REQUIRE(api.call("POST", "/v1/endpoints/" + ep + "/disable").status == 200);
    auto refused =
        api.call("POST", "/v1/endpoints/" + ep + "/recover", R"({"since":")" + before + R"("})");
    INFO(show(refused));
    CHECK(refused.status == 409);
    CHECK(error_code(refused) == "endpoint_disabled");
    REQUIRE(api.call("POST", "/v1/endpoints/" + ep + "/enable").status == 200);
  }

  auto r = api.call("POST", "/v1/endpoints/" + ep + "/recover", R"({"since":")" + before + R"("})");
  INFO(show(r));
  REQUIRE(r.status == 202);
  CHECK(json_of(r) == json::parse(R"({"requeued":1})"));
  REQUIRE(api.wait_for_delivery(msg, ep, "delivered"));
  // A recovered delivery starts over: attempts count from zero.
  CHECK(api.delivery_of(msg, ep)["attempts"] == 1);
  CHECK(rx.count() == static_cast<std::size_t>(failed_attempts) + 1);
  CHECK(rx.requests().back().header("webhook-id") == msg);
}

TEST_CASE("api: retry makes an immediate extra attempt, ahead of the backoff timer",
          "[api_http][operations][retry]") {
  test_receiver rx{replies({reply::with_status(500)}, reply::ok())};
  api_harness api{[](config::config& c) {
    c.retry.initial_interval = 30s; // the timer alone would not retry within the test
    c.retry.max_interval = 30s;
    c.retry.max_duration = 5min;
  }};
  const auto ep = id_of(api.create_endpoint(rx.url()));
  const auto msg = id_of(api.post_message("t", "{}"));
  REQUIRE(wait_for_attempts(api, msg, ep, 1));
  const auto waiting = api.delivery_of(msg, ep);
  CHECK(waiting["status"] == "pending");
  CHECK(waiting["last_status_code"] == 500);
  CHECK(waiting["last_error"] == "http_status");
  CHECK(waiting["next_attempt_at"].get<std::string>() > api_time(20s));

  const auto asked = steady::now();
  auto r = api.call("POST", "/v1/messages/" + msg + "/retry");
  INFO(show(r));
  REQUIRE(r.status == 202);
  CHECK(json_of(r) == json::parse(R"({"retried":1})"));
  REQUIRE(rx.wait_for_count(2, 3s));
  CHECK(steady::now() - asked < 3s);
  REQUIRE(api.wait_for_delivery(msg, ep, "delivered"));
  CHECK(api.delivery_of(msg, ep)["attempts"] == 2); // kept, plus the extra one

  // Nothing left to retry: still 202.
  auto again = api.call("POST", "/v1/messages/" + msg + "/retry");
  CHECK(again.status == 202);
  CHECK(json_of(again) == json::parse(R"({"retried":0})"));
  CHECK(holds_for([&] { return rx.count() == 2; }, 300ms));
}

TEST_CASE("api: DELETE fails pending deliveries with endpoint_deleted, then the endpoint is gone",
          "[api_http][operations][delete]") {
  test_receiver rx{[](const received_request&) { return reply::with_status(500); }};
  api_harness api;
  const auto ep = id_of(api.create_endpoint(rx.url()));
  const auto msg = id_of(api.post_message("t", "{}"));
  REQUIRE(wait_for_attempts(api, msg, ep, 1));

  auto r = api.call("DELETE", "/v1/endpoints/" + ep);
  INFO(show(r));
  REQUIRE(r.status == 204);
  CHECK(r.body.empty());
  const auto d = api.delivery_of(msg, ep); // the delivery keeps the endpoint's id
  CHECK(d["status"] == "failed");
  CHECK(d["reason"] == "endpoint_deleted");

  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/endpoints/" + ep},
           {"DELETE", "/v1/endpoints/" + ep},
           {"GET", "/v1/endpoints/" + ep + "/secret"},
           {"POST", "/v1/endpoints/" + ep + "/enable"}}) {
    CAPTURE(method, target);
    auto gone = api.call(method, target);
    CHECK(gone.status == 404);
    CHECK(error_code(gone) == "not_found");
  }
  auto list = api.call("GET", "/v1/endpoints");
  CHECK(json_of(list)["data"] == json::array());
  CHECK(api.post_message("t", "{}")["deliveries"] == json::array());
  const auto seen = rx.count();
  CHECK(holds_for([&] { return rx.count() == seen; }, 600ms));
}

TEST_CASE("api: after secret/rotate a delivery carries both signatures, GET secret shows the "
          "previous one",
          "[api_http][operations][secret]") {
  test_receiver rx;
  api_harness api;
  const auto created = api.create_endpoint(rx.url());
  const auto ep = id_of(created);
  const auto old_secret = created["secret"].get<std::string>();

  auto r = api.call("POST", "/v1/endpoints/" + ep + "/secret/rotate");
  INFO(show(r));
  REQUIRE(r.status == 200);
  const auto rotated = json_of(r);
  REQUIRE(rotated.size() == 1);
  const auto new_secret = rotated["secret"].get<std::string>();
  CHECK(new_secret.starts_with("whsec_"));
  CHECK(new_secret != old_secret);

  auto s = api.call("GET", "/v1/endpoints/" + ep + "/secret");
  INFO(show(s));
  REQUIRE(s.status == 200);
  const auto secret = json_of(s);
  CHECK(secret["secret"] == new_secret);
  CHECK(secret["previous_secret"] == old_secret);
  CHECK(secret["previous_expires_at"].get<std::string>() > api_time(23h + 59min));
  CHECK(secret["previous_expires_at"].get<std::string>() < api_time(24h + 1min));

  const auto msg = id_of(api.post_message("t", R"({"signed":"twice"})"));
  REQUIRE(rx.wait_for_count(1));
  const auto req = rx.requests().front();
  CHECK(req.header("webhook-id") == msg);
  const auto sigs = split_spaces(req.header("webhook-signature").value_or(""));
  CHECK(sigs ==
        std::vector<std::string>{signature_for(req, new_secret), signature_for(req, old_secret)});

  SECTION("rotating again keeps only the latest previous secret") {
    const std::string chosen = "whsec_" + policy::base64_encode(std::string(32, 'k'));
    auto again = api.call("POST", "/v1/endpoints/" + ep + "/secret/rotate",
                          R"({"secret":")" + chosen + R"("})");
    INFO(show(again));
    REQUIRE(again.status == 200);
    CHECK(json_of(again)["secret"] == chosen);
    const auto now = json_of(api.call("GET", "/v1/endpoints/" + ep + "/secret"));
    CHECK(now["secret"] == chosen);
    CHECK(now["previous_secret"] == new_secret);
  }

  SECTION("a bad secret is 422 and changes nothing") {
    auto bad = api.call("POST", "/v1/endpoints/" + ep + "/secret/rotate",
                        R"({"secret":"whsec_c2hvcnQ="})");
    CHECK(bad.status == 422);
    CHECK(error_code(bad) == "invalid_field");
    CHECK(json_of(api.call("GET", "/v1/endpoints/" + ep + "/secret"))["secret"] == new_secret);
  }

  SECTION("PATCH secret replaces it at once and ends the overlap") {
    const std::string chosen = "whsec_" + policy::base64_encode(std::string(24, 'p'));
    REQUIRE(api.call("PATCH", "/v1/endpoints/" + ep, R"({"secret":")" + chosen + R"("})").status ==
            200);
    const auto now = json_of(api.call("GET", "/v1/endpoints/" + ep + "/secret"));
    CHECK(now["secret"] == chosen);
    CHECK(now["previous_secret"].is_null());
    const auto next = id_of(api.post_message("t", "{}"));
    REQUIRE(rx.wait_for_count(2));
    const auto second = rx.requests().back();
    CHECK(second.header("webhook-id") == next);
    CHECK(second.header("webhook-signature") == signature_for(second, chosen));
  }
}

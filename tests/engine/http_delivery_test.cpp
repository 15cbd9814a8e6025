// The engine through real HTTP(S) to receivers on 127.0.0.1, durations compressed: the request a
// receiver gets, retries with backoff, permanent statuses disabling the endpoint, transport
// failures (refused, hanging, TLS) as retryable errors, and the retry window's end.
#include "hookd_version.hpp"
#include "policy/signing.hpp"
#include "tests/engine/live_engine.hpp"
#include "tests/support/test_ca.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

namespace {

/// The request's Standard Webhooks signature recomputed from the endpoint's secret.
std::string expected_signature(const received_request& r, const std::string& secret) {
  const auto id = r.header("webhook-id").value_or("");
  const auto ts = std::stoll(r.header("webhook-timestamp").value_or("0"));
  return policy::standard_signature(secret, id, ts, r.body);
}

/// Attempts of `message_id`, oldest first.
std::vector<store::attempt_record> sorted_attempts(live_engine& e, const std::string& message_id) {
  auto attempts = e.attempts_of(message_id);
  std::sort(attempts.begin(), attempts.end(),
            [](const auto& a, const auto& b) { return a.seq < b.seq; });
  return attempts;
}

} // namespace

TEST_CASE("live: one message arrives once, exactly as stored, signed and recorded", "[live]") {
  test_receiver rx;
  live_engine e;
  const auto ep = e.add_endpoint(rx.url("/hook"));
  const std::string body = R"({"order":42,"items":["a","b"],"note":"caf\u00e9"})";
  const auto msg = e.submit(body, ep);

  REQUIRE(wait_until([&] { return e.delivery_is(msg, delivery_status::delivered); }));
  REQUIRE(rx.count() == 1);
  const auto r = rx.requests().front();
  CHECK(r.method == "POST");
  CHECK(r.target == "/hook");
  CHECK(r.body == body);
  CHECK(r.header("Content-Type") == "application/json");
  CHECK(r.header("User-Agent") == std::string{"hookd/"} + version);
  CHECK(r.header("webhook-id") == msg);
  REQUIRE(r.header("webhook-timestamp"));
  const auto ts = std::stoll(*r.header("webhook-timestamp"));
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  CHECK(std::abs(now_s - ts) <= 5);
  CHECK(r.header("webhook-signature") == expected_signature(r, e.secret_of(ep)));

  const auto d = e.delivery(msg);
  CHECK(d.endpoint_id == ep);
  CHECK(d.attempts == 1);
  CHECK(d.last_status_code == 200);
  REQUIRE(wait_until([&] { return e.attempts_of(msg).size() == 1; }));
  const auto a = e.attempts_of(msg).front();
  CHECK(a.outcome == attempt_outcome::success);
  CHECK(a.status_code == 200);
  CHECK(a.error == attempt_error::none);
  CHECK(a.endpoint_id == ep);
  CHECK(a.response_body == "ok");
  // Nothing else follows.
  CHECK(holds_for([&] { return rx.count() == 1; }, 300ms));
}

TEST_CASE("live: 500 then 200 is delivered on the second attempt inside the first-retry band",
          "[live]") {
  test_receiver rx(replies({reply::with_status(500, "busy")}, reply::ok()));
  live_engine e;
  const auto ep = e.add_endpoint(rx.url());
  const auto msg = e.submit("{}", ep);

  REQUIRE(wait_until([&] { return e.delivery_is(msg, delivery_status::delivered); }));
  const auto seen = rx.requests();
  REQUIRE(seen.size() == 2);
  const auto& retry = e.cfg().retry;
  const auto band_end = std::chrono::duration_cast<std::chrono::milliseconds>(
      retry.initial_interval * (1 + retry.jitter));
  CHECK(gap(seen[0], seen[1]) >= retry.initial_interval);
  CHECK(gap(seen[0], seen[1]) < band_end + 300ms); // scheduling slack on top of the band
  CHECK(seen[1].header("webhook-id") == msg);
  CHECK(seen[0].header("webhook-id") == msg);

  const auto d = e.delivery(msg);
  CHECK(d.attempts == 2);
  const auto attempts = sorted_attempts(e, msg);
  REQUIRE(attempts.size() == 2);
  CHECK(attempts[0].outcome == attempt_outcome::failure);
  CHECK(attempts[0].status_code == 500);
  CHECK(attempts[0].error == attempt_error::http_status);
  CHECK(attempts[0].response_body == "busy");
  CHECK(attempts[1].outcome == attempt_outcome::success);
}

TEST_CASE("live: a permanent status disables the endpoint at once and fails its pending "
          "deliveries",
          "[live]") {
  const int code = GENERATE(404, 410);
  CAPTURE(code);
  test_receiver gone(replies(times(2, reply::with_status(500)), reply::with_status(code)));
  test_receiver healthy;
  live_engine e;
  const auto ep = e.add_endpoint(gone.url("/gone"));
  const auto other = e.add_endpoint(healthy.url("/ok"));

  // Two messages fail with 500 first: their retries are pending when the permanent answer comes.
  const auto m1 = e.submit("{\"n\":1}");
  const auto m2 = e.submit("{\"n\":2}");
  REQUIRE(wait_until(
      [&] { return e.delivery(m1, ep).attempts == 1 && e.delivery(m2, ep).attempts == 1; }));
  CHECK(e.delivery_is(m1, delivery_status::pending, ep));
  CHECK(e.delivery_is(m2, delivery_status::pending, ep));
  const auto m3 = e.submit("{\"n\":3}");

  REQUIRE(wait_until([&] {
    auto s = e.endpoint(ep);
    return s && s->status == endpoint_status::disabled;
  }));
  CHECK(e.endpoint(ep)->reason == disabled_reason::gone);
  REQUIRE(wait_until([&] {
    for (const auto& m : {m1, m2, m3})
      if (!e.delivery_is(m, delivery_status::failed, ep))
        return false;
    return true;
  }));
  for (const auto& m : {m1, m2, m3})
    CHECK(e.delivery(m, ep).reason == failure_reason::endpoint_disabled);
  CHECK(gone.count() == 3);
  auto attempts = e.attempts_of(m3);
  std::erase_if(attempts, [&](const auto& a) { return a.endpoint_id != ep; });
  REQUIRE(attempts.size() == 1);
  CHECK(attempts.front().outcome == attempt_outcome::permanent);
  CHECK(attempts.front().status_code == code);

  // The disabled endpoint gets nothing more, even past several retry intervals; the healthy
  // one keeps receiving, and new messages no longer fan out to the disabled one.
  CHECK(holds_for([&] { return gone.count() == 3; }, 1500ms));
  const auto m4 = e.submit("{\"n\":4}");
  CHECK(e.deliveries_of(m4).size() == 1);
  REQUIRE(wait_until([&] { return e.delivery_is(m4, delivery_status::delivered, other); }));
  for (const auto& m : {m1, m2, m3})
    CHECK(e.delivery_is(m, delivery_status::delivered, other));
  CHECK(healthy.count() == 4);
  CHECK(gone.count() == 3);
}

TEST_CASE("live: a refused connection is retried until the window ends, then exhausted", "[live]") {
  live_engine e([](config::config& c) { c.retry.max_duration = 2s; });
  const auto ep = e.add_endpoint("http://127.0.0.1:" + std::to_string(closed_port()) + "/");
  const auto msg = e.submit("{}", ep);

  REQUIRE(wait_until([&] { return e.delivery(msg).attempts >= 1; }));
  auto d = e.delivery(msg);
  CHECK(d.status == delivery_status::pending);
  CHECK(d.last_error == attempt_error::connect_refused);
  CHECK(d.last_status_code == 0);
  REQUIRE(wait_until([&] { return e.delivery(msg).attempts >= 3; }));
  CHECK(e.delivery_is(msg, delivery_status::pending));

  REQUIRE(wait_until([&] { return e.delivery_is(msg, delivery_status::failed); }, 4s));
  d = e.delivery(msg);
  CHECK(d.reason == failure_reason::exhausted);
  const auto attempts = sorted_attempts(e, msg);
  CHECK(d.attempts == static_cast<int>(attempts.size()));
  for (const auto& a : attempts) {
    CHECK(a.outcome == attempt_outcome::failure);
    CHECK(a.error == attempt_error::connect_refused);
  }
  // The last attempt is made at the window's end.
  const auto window = attempts.back().at - attempts.front().at;
  CHECK(window >= e.cfg().retry.max_duration);
  CHECK(window < e.cfg().retry.max_duration + 300ms);
}

TEST_CASE("live: a hanging receiver times out as a retryable failure, then succeeds", "[live]") {
  test_receiver rx(replies({reply::hang()}, reply::ok()));
  live_engine e([](config::config& c) { c.http.attempt_timeout = 500ms; });
  const auto ep = e.add_endpoint(rx.url());
  const auto msg = e.submit("{}", ep);

  REQUIRE(wait_until([&] { return e.delivery(msg).attempts >= 1; }));
  const auto first = e.attempts_of(msg);
  REQUIRE(first.size() == 1);
  CHECK(first[0].outcome == attempt_outcome::failure);
  CHECK(first[0].error == attempt_error::timeout);
  CHECK(first[0].status_code == 0);
  CHECK(first[0].elapsed >= e.cfg().http.attempt_timeout);
  CHECK(first[0].elapsed < e.cfg().http.attempt_timeout + 300ms);

  REQUIRE(wait_until([&] { return e.delivery_is(msg, delivery_status::delivered); }));
  CHECK(e.delivery(msg).attempts == 2);
  const auto seen = rx.requests();
  REQUIRE(seen.size() == 2);
  CHECK(gap(seen[0], seen[1]) >= e.cfg().http.attempt_timeout + e.cfg().retry.initial_interval -
                                     20ms); // the timer starts just before the request arrives
}

TEST_CASE("live: HTTPS with a certificate from the configured CA is delivered, a name mismatch is "
          "a tls error",
          "[live][tls]") {
  test_ca ca;
  test_receiver good({}, ca.issue({"127.0.0.1"}));
  test_receiver wrong({}, ca.issue({"other.example"}));
  live_engine e([&](config::config& c) { c.http.ca_file = ca.ca_file(); });
  const auto ep_good = e.add_endpoint(good.url("/secure"));
  const auto ep_wrong = e.add_endpoint(wrong.url("/secure"));
  REQUIRE(good.url().rfind("https://", 0) == 0);

  const auto ok_msg = e.submit("{\"tls\":true}", ep_good);
  const auto bad_msg = e.submit("{\"tls\":false}", ep_wrong);

  REQUIRE(wait_until([&] { return e.delivery_is(ok_msg, delivery_status::delivered); }));
  REQUIRE(good.count() == 1);
  CHECK(good.requests().front().body == "{\"tls\":true}");
  CHECK(good.requests().front().header("webhook-signature") ==
        expected_signature(good.requests().front(), e.secret_of(ep_good)));

  REQUIRE(wait_until([&] { return e.delivery(bad_msg).attempts >= 1; }));
  const auto d = e.delivery(bad_msg);
  CHECK(d.status == delivery_status::pending);
  CHECK(d.last_error == attempt_error::tls);
  const auto attempts = e.attempts_of(bad_msg);
  REQUIRE_FALSE(attempts.empty());
  CHECK(attempts.front().outcome == attempt_outcome::failure);
  CHECK(attempts.front().error == attempt_error::tls);
  CHECK_THAT(attempts.front().error_detail, Catch::Contains("certificate verify failed"));
  CHECK(wrong.count() == 0);
}

TEST_CASE("live: HTTPS to a certificate from an unknown CA is a retryable tls error",
          "[live][tls]") {
  test_ca trusted;
  test_ca unknown; // the receiver's certificate is signed by a CA hookd was not told about
  test_receiver rx({}, unknown.issue({"127.0.0.1"}));
  live_engine e([&](config::config& c) { c.http.ca_file = trusted.ca_file(); });
  const auto ep = e.add_endpoint(rx.url("/secure"));
  const auto msg = e.submit("{}", ep);
  REQUIRE(wait_until([&] { return e.delivery(msg).attempts >= 1; }));
  const auto d = e.delivery(msg);
  CHECK(d.status == delivery_status::pending); // retryable: it will be tried again
  CHECK(d.last_error == attempt_error::tls);
  const auto attempts = e.attempts_of(msg);
  REQUIRE_FALSE(attempts.empty());
  CHECK(attempts.front().error == attempt_error::tls);
  CHECK_THAT(attempts.front().error_detail, Catch::Contains("certificate verify failed"));
  CHECK(rx.count() == 0);
}

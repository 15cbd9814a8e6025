// The engine end to end in virtual time: dispatcher, endpoint actors, supervisor, store writer
// and reader on a real SQLite file, with a scripted destination instead of the network.
#include "actors/engine_context.hpp"
#include "messages/errors.hpp"
#include "store/sqlite_store.hpp"
#include "tests/actors/vtime_engine.hpp"

#include <sqlite3.h>

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using namespace hookd;
using hookd::testing::scripted_reply;
using hookd::testing::vtime_engine;
using hookd::testing::sequence;
using hookd::testing::status;

namespace {

const std::string url_a = "http://127.0.0.1:9/a";
const std::string url_b = "http://127.0.0.1:9/b";

} // namespace

TEST_CASE("a message is delivered to its endpoint once, signed, and recorded", "[engine]") {
  vtime_engine e;
  const auto ep = e.add_endpoint(url_a);
  const auto msg = e.submit("order.created", R"({"id":1})");
  REQUIRE_FALSE(msg.empty());
  e.run();
  auto seen = e.attempts_to(url_a);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].request.message_id == msg);
  CHECK(seen[0].request.body.str() == R"({"id":1})");
  CHECK(seen[0].request.secrets.size() == 1);
  auto deliveries = e.deliveries_of(msg);
  REQUIRE(deliveries.size() == 1);
  CHECK(deliveries[0].endpoint_id == ep);
  CHECK(deliveries[0].status == delivery_status::delivered);
  CHECK(deliveries[0].attempts == 1);
}

TEST_CASE("fan-out reaches subscribed endpoints only", "[engine]") {
  vtime_engine e;
  e.add_endpoint(url_a, {"order.created"});
  e.add_endpoint(url_b, {"user.created"});
  const auto msg = e.submit("order.created", "{}");
  e.run();
  CHECK(e.attempts_to(url_a).size() == 1);
  CHECK(e.attempts_to(url_b).empty());
  CHECK(e.deliveries_of(msg).size() == 1);
}

TEST_CASE("500 then 200: delivered on the second attempt, 2–3 minutes later", "[engine]") {
  vtime_engine e;
  e.add_endpoint(url_a);
  e.script_for(url_a, sequence({status(500)}, status(200)));
  const auto msg = e.submit("t", "{}");
  e.run();
  CHECK(e.deliveries_of(msg)[0].status == delivery_status::pending);
  e.advance(5min);
  auto seen = e.attempts_to(url_a);
  REQUIRE(seen.size() == 2);
  const auto gap = seen[1].at - seen[0].at;
  CHECK(gap >= 120s);
  CHECK(gap < 180s);
  auto d = e.deliveries_of(msg)[0];
  CHECK(d.status == delivery_status::delivered);
  CHECK(d.attempts == 2);
}

TEST_CASE("a permanent status disables the endpoint at once and fails its other deliveries",
          "[engine]") {
  const int code = GENERATE(404, 410);
  vtime_engine e;
  const auto ep = e.add_endpoint(url_a);
  e.add_endpoint(url_b);
  e.script_for(url_a, sequence({status(500), status(500)}, status(code)));
  const auto m1 = e.submit("t", "{}");
  const auto m2 = e.submit("t", "{}");
  e.run();
  REQUIRE(e.attempts_to(url_a).size() == 2); // two retries now pending
  const auto m3 = e.submit("t", "{}");
  e.run();

  auto endpoint = e.endpoint(ep);
  REQUIRE(endpoint);
  CHECK(endpoint->status == endpoint_status::disabled);
  CHECK(endpoint->reason == disabled_reason::gone);
  for (const auto& m : {m1, m2, m3}) {
    auto d = e.deliveries_of(m);
    auto mine = std::find_if(d.begin(), d.end(), [&](auto& x) { return x.endpoint_id == ep; });
    REQUIRE(mine != d.end());
    CHECK(mine->status == delivery_status::failed);
    CHECK(mine->reason == failure_reason::endpoint_disabled);
  }
  // Nothing more is sent to it, while the other endpoint keeps receiving.
  e.advance(2h);
  const auto m4 = e.submit("t", "{}");
  e.advance(1min);
  CHECK(e.attempts_to(url_a).size() == 3);
  CHECK(e.deliveries_of(m4).size() == 1); // only the enabled endpoint got a delivery
  CHECK(e.attempts_to(url_b).size() == 4);
}

TEST_CASE("24 hours of nothing but failures disables the endpoint as failing", "[engine]") {
  vtime_engine e;
  const auto ep = e.add_endpoint(url_a);
  e.script_for(url_a, [](const attempt_request&) { return status(500); });
  const auto first = e.now();
  e.submit("t", "{}");
  for (int hour = 0; hour < 23; ++hour) {
    e.advance(1h);
    e.submit("t", "{}");
    REQUIRE(e.endpoint(ep)->status == endpoint_status::enabled);
  }
  e.advance(3h);
  auto endpoint = e.endpoint(ep);
  CHECK(endpoint->status == endpoint_status::disabled);
  CHECK(endpoint->reason == disabled_reason::failing);
  // Disabled by the first failure at or after 24 h.
  const auto last = e.attempts_to(url_a).back().at;
  CHECK(last - first >= 24h);
  CHECK(last - first < 26h);
}

TEST_CASE("one success inside the 24 hours resets the clock", "[engine]") {
  vtime_engine e;
  const auto ep = e.add_endpoint(url_a);
  const auto start = e.now();
  auto succeeded = std::make_shared<bool>(false);
  e.script_for(url_a, [&e, start, succeeded](const attempt_request&) {
    if (!*succeeded && e.now() - start >= 20h) {
      *succeeded = true;
      return status(200);
    }
    return status(500);
  });
  e.submit("t", "{}");
  for (int hour = 0; hour < 30; ++hour) {
    e.advance(1h);
    e.submit("t", "{}");
  }
  CHECK(*succeeded);
  auto endpoint = e.endpoint(ep);
  CHECK(endpoint->status == endpoint_status::enabled);
  CHECK(endpoint->failing_since >= start + 20h);
}

TEST_CASE("the 24-hour clock survives the endpoint actor idling out between messages",
          "[engine]") {
  vtime_engine e{[](config::config& c) { c.retry.max_duration = std::chrono::hours{1}; }};
  const auto ep = e.add_endpoint(url_a);
  e.script_for(url_a, [](const attempt_request&) { return status(500); });
  const auto first = e.now();
  for (int hour = 0; hour < 28; hour += 2) {
    e.submit("t", "{}");
    e.advance(2h); // each message is exhausted after 1 h; the actor then quits while idle
    if (e.endpoint(ep)->status == endpoint_status::disabled)
      break;
    CHECK_FALSE(e.endpoint_actor_of(ep));
  }
  auto endpoint = e.endpoint(ep);
  CHECK(endpoint->status == endpoint_status::disabled);
  CHECK(endpoint->reason == disabled_reason::failing);
  CHECK(e.attempts_to(url_a).back().at - first >= 24h);
}

TEST_CASE("the breaker opens after 5 failures and a probe success drains the backlog",
          "[engine][breaker]") {
  vtime_engine e;
  e.add_endpoint(url_a);
  e.script_for(url_a, sequence(std::vector<scripted_reply>(5, status(503)), status(200)));
  std::vector<std::string> messages;
  for (int i = 0; i < 5; ++i)
    messages.push_back(e.submit("t", "{}"));
  e.run();
  REQUIRE(e.attempts_to(url_a).size() == 5);
  for (int i = 0; i < 5; ++i)
    messages.push_back(e.submit("t", "{}")); // no fresh attempts while open
  e.advance(100s);
  CHECK(e.attempts_to(url_a).size() == 5);
  e.advance(10min);
  auto seen = e.attempts_to(url_a);
  CHECK(seen.size() == 15); // 5 failures, then the probe, then the other 9
  for (const auto& m : messages)
    CHECK(e.deliveries_of(m)[0].status == delivery_status::delivered);
}

TEST_CASE("transport errors are retryable failures", "[engine]") {
  const auto error = GENERATE(attempt_error::connect_refused, attempt_error::timeout,
                              attempt_error::tls, attempt_error::reset);
  vtime_engine e;
  e.add_endpoint(url_a);
  e.script_for(url_a, sequence({scripted_reply{0, error, {}, false}}, status(200)));
  const auto msg = e.submit("t", "{}");
  e.run();
  auto d = e.deliveries_of(msg)[0];
  CHECK(d.status == delivery_status::pending);
  CHECK(d.last_error == error);
  e.advance(4min);
  CHECK(e.deliveries_of(msg)[0].status == delivery_status::delivered);
}

TEST_CASE("Retry-After on a 429 postpones the retry", "[engine]") {
  vtime_engine e;
  e.add_endpoint(url_a);
  e.script_for(url_a,
               sequence({scripted_reply{429, attempt_error::none, "900", false}}, status(200)));
  const auto msg = e.submit("t", "{}");
  e.advance(14min);
  CHECK(e.attempts_to(url_a).size() == 1);
  e.advance(2min);
  REQUIRE(e.attempts_to(url_a).size() == 2);
  CHECK(e.attempts_to(url_a)[1].at - e.attempts_to(url_a)[0].at >= 900s);
  CHECK(e.deliveries_of(msg)[0].status == delivery_status::delivered);
}

TEST_CASE("an always-failing delivery is exhausted after its 10-hour window", "[engine]") {
  vtime_engine e;
  e.add_endpoint(url_a);
  e.script_for(url_a, [](const attempt_request&) { return status(500); });
  const auto msg = e.submit("t", "{}");
  e.advance(9h);
  CHECK(e.deliveries_of(msg)[0].status == delivery_status::pending);
  e.advance(2h);
  auto d = e.deliveries_of(msg)[0];
  CHECK(d.status == delivery_status::failed);
  CHECK(d.reason == failure_reason::exhausted);
  const auto seen = e.attempts_to(url_a);
  CHECK(seen.back().at - seen.front().at == 10h);
  CHECK(d.attempts == static_cast<int>(seen.size()));
}

TEST_CASE("a killed endpoint actor is re-created from the store and its deliveries arrive",
          "[engine][supervisor]") {
  vtime_engine e;
  const auto ep = e.add_endpoint(url_a);
  e.script_for(url_a, sequence({status(500)}, status(200)));
  const auto msg = e.submit("t", "{}");
  e.run();
  auto before = e.endpoint_actor_of(ep);
  REQUIRE(before);
  caf::anon_send_exit(before, caf::exit_reason::kill);
  e.run();
  auto after = e.endpoint_actor_of(ep);
  REQUIRE(after);
  CHECK(after != before);
  e.advance(5min);
  auto d = e.deliveries_of(msg)[0];
  CHECK(d.status == delivery_status::delivered);
  CHECK(d.attempts == 2);
}

TEST_CASE("idle endpoint actors quit and come back when work arrives", "[engine]") {
  vtime_engine e;
  const auto ep = e.add_endpoint(url_a);
  e.submit("t", "{}");
  e.run();
  CHECK(e.endpoint_actor_of(ep));
  e.advance(e.cfg.endpoints.idle_timeout + 1s);
  CHECK_FALSE(e.endpoint_actor_of(ep));
  const auto msg = e.submit("t", "{}");
  e.run();
  CHECK(e.deliveries_of(msg)[0].status == delivery_status::delivered);
}

TEST_CASE("submitting to an unknown or disabled endpoint is an error, not a lost message",
          "[engine]") {
  vtime_engine e;
  CHECK(e.submit("t", "{}", "ep_nope").empty());
  CHECK(code_of(e.last_error) == static_cast<std::uint8_t>(errc::unknown_endpoint));
}

TEST_CASE("beyond server.max_ingest_backlog messages being stored, submits are refused",
          "[engine][flow]") {
  vtime_engine e{[](config::config& c) { c.server.max_ingest_backlog = 2; }};
  e.add_endpoint(url_a);
  auto results = e.submit_concurrently(3, "t", "{}");
  CHECK(std::count_if(results.begin(), results.end(), [](auto& r) { return !r.empty(); }) == 2);
  CHECK(code_of(e.last_error) == static_cast<std::uint8_t>(errc::overloaded));
  // Once the store caught up, messages are accepted again.
  CHECK_FALSE(e.submit("t", "{}").empty());
}

namespace {

const std::string alert_url = "http://127.0.0.1:9/alerts";

/// The alerts that reached alert_url, by kind (from the event type "hookd.alert.<kind>").
std::vector<std::string> alert_kinds_sent(vtime_engine& e) {
  std::vector<std::string> kinds;
  for (const auto& a : e.attempts_to(alert_url)) {
    const auto& body = a.request.body.str();
    const auto at = body.find("\"kind\":\"");
    kinds.push_back(body.substr(at + 8, body.find('"', at + 8) - at - 8));
  }
  return kinds;
}

} // namespace

TEST_CASE("high retry rate: one alert per episode, a new one only after recovery",
          "[engine][alerts]") {
  vtime_engine e{[](config::config& c) {
    c.alerts.alert_url = alert_url;
    c.alerts.min_attempts = 20;
    c.alerts.retry_ratio = 0.5;
    c.retry.breaker_threshold = 1000; // keep every delivery attempting
  }};
  const auto ep = e.add_endpoint(url_a);
  auto failing = std::make_shared<bool>(true);
  e.script_for(url_a, [failing](const attempt_request&) { return status(*failing ? 500 : 200); });
  auto burst = [&](int n) {
    for (int i = 0; i < n; ++i)
      e.submit("t", "{}", ep);
    e.advance(15s); // the supervisor checks every 10 s
  };
  burst(30); // 30 of 30 failed
  CHECK(alert_kinds_sent(e) == std::vector<std::string>{"high_retry_rate"});
  burst(30); // still failing: the same episode
  CHECK(alert_kinds_sent(e).size() == 1);

  *failing = false; // recovery: the retries and new messages succeed
  e.advance(10min);
  burst(30);
  CHECK(alert_kinds_sent(e).size() == 1);

  *failing = true; // a new episode
  e.advance(5min);
  burst(40);
  const auto kinds = alert_kinds_sent(e);
  CHECK(std::count(kinds.begin(), kinds.end(), "high_retry_rate") == 2);
}

TEST_CASE("alerts about the alert endpoint itself are not sent to it", "[engine][alerts]") {
  vtime_engine e{[](config::config& c) { c.alerts.alert_url = alert_url; }};
  e.script_for(alert_url, [](const attempt_request&) { return status(410); });
  const auto ep = e.add_endpoint(url_a);
  e.script_for(url_a, [](const attempt_request&) { return status(410); });
  e.submit("t", "{}", ep); // endpoint_disabled → an alert message to alert_url → 410 there
  e.advance(1min);
  // One attempt at alert_url (the endpoint_disabled alert); its own disable is only logged.
  CHECK(e.attempts_to(alert_url).size() == 1);
}

TEST_CASE("a DELETE queued at the writer between inserts leaves no delivery of the endpoint "
          "pending",
          "[engine][races]") {
  vtime_engine e;
  const auto gone = e.add_endpoint(url_a);
  const auto stays = e.add_endpoint(url_b);
  e.script_for(url_a, [](const attempt_request&) { return status(500); }); // results come late
  caf::scoped_actor self{e.sys()};
  const auto dispatcher = caf::actor_cast<caf::actor>(e.eng().dispatcher());
  auto submit = [&] { self->send(dispatcher, submit_message{"t", "{}", {}, {}, {}, {}, {}, {}, {}, {}}); };
  // All in the dispatcher's mailbox before anything runs: the inserts behind the DELETE were
  // routed to both endpoints (the registry still knew `gone`) and reach the writer after it.
  for (int i = 0; i < 3; ++i)
    submit();
  self->send(dispatcher, delete_endpoint_cmd{gone, no_time});
  for (int i = 0; i < 3; ++i)
    submit();
  e.run();
  std::vector<std::string> messages;
  bool deleted = false;
  for (int i = 0; i < 7; ++i)
    self->receive([&](submit_result& r) { messages.push_back(r.message.id); },
                  [&](bool ok) { deleted = ok; },
                  [&](caf::error& err) { FAIL(describe(err)); },
                  caf::after(std::chrono::seconds{0}) >> [] { FAIL("a reply is missing"); });
  REQUIRE(deleted);
  REQUIRE(messages.size() == 6);
  e.advance(1h);

  for (const auto& m : messages) {
    for (const auto& d : e.deliveries_of(m)) {
      if (d.endpoint_id == gone) {
        CHECK(d.status == delivery_status::failed);
        CHECK(d.reason == failure_reason::endpoint_deleted);
      } else {
        CHECK(d.endpoint_id == stays);
        CHECK(d.status == delivery_status::delivered);
      }
    }
  }
  CHECK(e.deliveries_of(messages.back()).size() == 1); // inserted after the delete: `stays` only
  const auto& failed = e.eng().context()->metrics->deliveries_failed;
  CHECK(failed[static_cast<std::size_t>(failure_reason::endpoint_deleted)].value() == 3);
}

TEST_CASE("recovery counts known endpoints only and fails what deleted endpoints left pending",
          "[engine][races]") {
  // A store as an older hookd could leave it: a pending delivery whose endpoint row is gone.
  auto prepare = [](const std::string& path) {
    auto db = store::open_sqlite_store(path);
    for (const auto* id : {"ep_known", "ep_orphan"}) {
      store::endpoint_record ep;
      ep.id = id;
      ep.url = url_a;
      ep.secret = "whsec_dGVzdC1zZWNyZXQtdGVzdC1zZWNyZXQtdGVzdA==";
      db->put_endpoint(ep);
    }
    store::message_record msg{0, "msg_old", "t", "{}", from_unix_ms(1'700'000'000'000), {}, {}, {}, {}};
    std::vector<store::delivery_record> ds(2);
    ds[0].endpoint_id = "ep_known";
    ds[1].endpoint_id = "ep_orphan";
    for (auto& d : ds)
      d.next_attempt_at = msg.created_at;
    db->begin();
    db->insert_message(msg, ds);
    db->commit();
    db.reset();
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "DELETE FROM endpoints WHERE id = 'ep_orphan'", nullptr, nullptr,
                         nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  };
  vtime_engine e({}, prepare);
  CHECK(e.recovered() == 1);
  e.advance(1min);
  for (const auto& d : e.deliveries_of("msg_old")) {
    CAPTURE(d.endpoint_id);
    if (d.endpoint_id == "ep_orphan") {
      CHECK(d.status == delivery_status::failed);
      CHECK(d.reason == failure_reason::endpoint_deleted);
    } else {
      CHECK(d.status == delivery_status::delivered);
    }
  }
}

TEST_CASE("a PATCH or rotation queued behind a DELETE answers unknown_endpoint and re-creates "
          "nothing",
          "[engine][races]") {
  vtime_engine e;
  const auto gone = e.add_endpoint(url_a);
  auto copy = e.endpoint(gone);
  REQUIRE(copy);
  caf::scoped_actor self{e.sys()};
  const auto dispatcher = caf::actor_cast<caf::actor>(e.eng().dispatcher());
  self->send(dispatcher, delete_endpoint_cmd{gone, no_time});
  copy->description = "patched";
  self->send(dispatcher, update_endpoint_cmd{*copy, false});
  self->send(dispatcher, rotate_secret_cmd{gone, "whsec_bmV3LXNlY3JldC1uZXctc2VjcmV0LW5ldw==",
                                           e.now(), e.now()});
  e.run();
  int unknown = 0;
  for (int i = 0; i < 3; ++i)
    self->receive([](bool deleted) { CHECK(deleted); },
                  [](store::endpoint_record&) { FAIL("updated a deleted endpoint"); },
                  [&](caf::error& err) {
                    CHECK(code_of(err) == static_cast<std::uint8_t>(errc::unknown_endpoint));
                    ++unknown;
                  },
                  caf::after(std::chrono::seconds{0}) >> [] { FAIL("a reply is missing"); });
  CHECK(unknown == 2);
  CHECK_FALSE(e.endpoint(gone));
}

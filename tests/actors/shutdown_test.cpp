// Shutdown in virtual time: the drain waits for an attempt up to its endpoint's own timeout (not
// http.attempt_timeout), then stops waiting, leaving the delivery pending with its due time; and
// every actor that stops mid-request answers its requester with an error instead of leaving it
// waiting forever (CAF 0.17 drops an undelivered promise silently).
#include "actors/endpoint_actor.hpp"
#include "actors/store_writer.hpp"
#include "messages/errors.hpp"
#include "store/sqlite_store.hpp"
#include "tests/actors/asker.hpp"
#include "tests/actors/vtime_engine.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using namespace hookd;
using hookd::testing::ask_later;
using hookd::testing::kill_now;
using hookd::testing::scripted_reply;
using hookd::testing::vtime_engine;

namespace {

const std::string url_slow = "http://127.0.0.1:9/slow";

scripted_reply hang() {
  scripted_reply r;
  r.hang = true;
  return r;
}

bool stopped_before_answering(const caf::error& e) {
  return code_of(e) == static_cast<std::uint8_t>(errc::shutting_down);
}

/// An engine with one endpoint (timeout_ms 8000, http.attempt_timeout 1 s) whose receiver never
/// answers, and one message whose attempt is in flight.
struct hanging_attempt {
  vtime_engine e{[](config::config& c) { c.http.attempt_timeout = 1s; }};
  std::string ep;
  std::string msg;
  store::delivery_record before;

  hanging_attempt() {
    ep = e.add_endpoint(url_slow, {}, [](store::endpoint_record& r) { r.timeout_ms = 8000; });
    e.script_for(url_slow, [](const attempt_request&) { return hang(); });
    msg = e.submit("t", "{}");
    e.run();
    REQUIRE(e.attempts_to(url_slow).size() == 1);
    before = e.deliveries_of(msg).at(0);
  }
};

} // namespace

TEST_CASE("shutdown waits for an attempt up to its endpoint's timeout_ms, then leaves the delivery "
          "pending with its due time",
          "[engine][shutdown]") {
  hanging_attempt h;
  auto& e = h.e;
  auto answer = ask_later<caf::ok_atom>(e.sys(), e.eng().dispatcher(), shutdown_atom_v);
  e.advance(7s); // far beyond http.attempt_timeout: still waiting for the 8-second attempt
  CHECK_FALSE(answer->answered());
  e.advance(8s + drain_margin - 7s + 1ms);
  REQUIRE(answer->answered());
  CHECK(answer->reply);
  const auto after = e.deliveries_of(h.msg).at(0);
  CHECK(after.status == delivery_status::pending); // recovered and attempted after a restart
  CHECK(after.attempts == 0);
  CHECK(after.next_attempt_at == h.before.next_attempt_at);
  CHECK(e.attempts_to(url_slow).size() == 1); // nothing new started while draining
}

TEST_CASE("an endpoint actor that stops while draining does not hold up the shutdown",
          "[engine][shutdown]") {
  hanging_attempt h;
  auto& e = h.e;
  auto actor = e.endpoint_actor_of(h.ep);
  REQUIRE(actor);
  auto answer = ask_later<caf::ok_atom>(e.sys(), e.eng().dispatcher(), shutdown_atom_v);
  e.run();
  CHECK_FALSE(answer->answered());
  caf::anon_send_exit(actor, caf::exit_reason::kill);
  e.run(); // no time passes
  REQUIRE(answer->answered());
  CHECK(answer->reply);
}

TEST_CASE("a dispatcher that stops with a shutdown pending answers it with an error",
          "[engine][shutdown]") {
  hanging_attempt h;
  auto& e = h.e;
  auto answer = ask_later<caf::ok_atom>(e.sys(), e.eng().dispatcher(), shutdown_atom_v);
  e.run();
  CHECK_FALSE(answer->answered());
  caf::anon_send_exit(e.eng().dispatcher(), caf::exit_reason::kill);
  e.run();
  REQUIRE(answer->answered());
  REQUIRE(answer->error);
  CHECK(stopped_before_answering(*answer->error));
}

TEST_CASE("a supervisor or store reader that stops with requests queued answers them with errors",
          "[engine][shutdown]") {
  vtime_engine e;
  auto& sched = e.sched();
  auto alerts = ask_later<std::vector<alert_event>>(e.sys(), e.eng().supervisor(), alerts_query{10});
  auto counts = ask_later<store::store_counts>(e.sys(), e.eng().reader(), counts_query{e.now()});
  sched.run_once(); // the first asker sends its request
  sched.run_once(); // the second one too
  kill_now(e.eng().supervisor());
  kill_now(e.eng().reader());
  e.run();
  REQUIRE(alerts->answered());
  CHECK(alerts->error);
  REQUIRE(counts->answered());
  CHECK(counts->error);
}

TEST_CASE("a store writer that stops with a command in its open batch answers it with an error",
          "[store_writer][shutdown]") {
  testing::temp_dir dir;
  caf::actor_system_config cfg;
  cfg.set("scheduler.policy", caf::atom("testing"));
  configure_actor_system(cfg);
  caf::actor_system sys{cfg};
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  store_writer_options opts;
  opts.detached = false;
  auto writer = spawn_store_writer(sys, store::open_sqlite_store(dir.file("hookd.db")), opts);
  while (sched.try_run_once()) {
  }
  insert_message_cmd cmd;
  cmd.message.id = "msg_1";
  cmd.message.event_type = "t";
  cmd.message.payload = "{}";
  cmd.message.created_at = from_unix_ms(1'700'000'000'000);
  auto answer = ask_later<message_inserted>(sys, writer, cmd);
  sched.run_once(); // the asker sends the insert
  sched.run_once(); // the writer puts it in its batch and queues its commit
  REQUIRE_FALSE(answer->answered());
  kill_now(writer); // ahead of the commit
  while (sched.try_run_once()) {
  }
  REQUIRE(answer->answered());
  REQUIRE(answer->error);
  CHECK(stopped_before_answering(*answer->error));
}

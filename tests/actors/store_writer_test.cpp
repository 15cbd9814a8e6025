// The store writer's group commit, under CAF's test coordinator: commands waiting in its mailbox
// share one transaction, replies come only after COMMIT, and a failing command fails alone.
#include "actors/store_writer.hpp"
#include "app/engine.hpp"
#include "messages/errors.hpp"
#include "store/sqlite_store.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <caf/all.hpp>

using namespace hookd;
namespace st = hookd::store;

namespace {

insert_message_cmd message(const std::string& id) {
  insert_message_cmd cmd;
  cmd.message.id = id;
  cmd.message.event_type = "t";
  cmd.message.payload = "{}";
  cmd.message.created_at = from_unix_ms(1'700'000'000'000);
  st::delivery_record d;
  d.endpoint_id = "ep_1";
  d.next_attempt_at = cmd.message.created_at;
  cmd.deliveries.push_back(d);
  return cmd;
}

struct writer_fixture {
  testing::temp_dir dir;
  std::string path = dir.file("hookd.db");
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  std::shared_ptr<st::store> db;
  std::shared_ptr<int> commits = std::make_shared<int>(0);
  std::shared_ptr<int> failure_episodes = std::make_shared<int>(0);
  store_writer_actor writer;

  explicit writer_fixture(std::size_t max_batch = 2048, st::sqlite_options store_options = {}) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    configure_actor_system(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    db = st::open_sqlite_store(path, store_options);
    store_writer_options opts{false, max_batch, [c = commits](std::size_t, auto) { ++*c; },
                              [e = failure_episodes](const std::string&) { ++*e; }, {}};
    writer = spawn_store_writer(*sys, db, opts);
  }
  ~writer_fixture() {
    caf::anon_send_exit(writer, caf::exit_reason::user_shutdown);
    run();
  }
  void run() {
    while (sched->try_run_once()) {
    }
  }
};

} // namespace

TEST_CASE("commands waiting together commit together, and replies follow the commit",
          "[store_writer]") {
  writer_fixture f;
  caf::scoped_actor self{*f.sys};
  for (int i = 0; i < 5; ++i)
    self->send(f.writer, message("msg_" + std::to_string(i)));
  self->send(f.writer, record_attempt_cmd{}); // fails: delivery 0 does not exist
  self->send(f.writer, message("msg_0"));     // fails: duplicate id
  self->send(f.writer, message("msg_5"));

  // Nothing runs yet: no reply can have arrived before the commit.
  CHECK(*f.commits == 0);
  f.run();

  int ok = 0;
  int failed = 0;
  for (int i = 0; i < 7; ++i)
    self->receive([&](message_inserted& m) { ok += m.message.seq > 0 ? 1 : 0; },
                  [&](caf::error& e) {
                    // The store's kind of error, not a guess: the API answers a conflict 409.
                    CHECK(code_of(e) == static_cast<std::uint8_t>(errc::store_conflict));
                    ++failed;
                  },
                  caf::after(std::chrono::seconds{0}) >> [] { FAIL("a reply is missing"); });
  CHECK(ok == 6);
  CHECK(failed == 1);
  // The refused commands are left out and the rest runs again: still one commit, no outage.
  CHECK(*f.commits == 1);
  CHECK(*f.failure_episodes == 0);
  CHECK(f.db->find_message("msg_5"));
  CHECK(f.db->find_message("msg_4"));
}

TEST_CASE("a healthy batch is one transaction", "[store_writer]") {
  writer_fixture f;
  caf::scoped_actor self{*f.sys};
  for (int i = 0; i < 50; ++i)
    self->send(f.writer, message("msg_" + std::to_string(i)));
  self->send(f.writer, flush_atom_v);
  f.run();
  CHECK(*f.commits == 1);
  for (int i = 0; i < 51; ++i)
    self->receive([](message_inserted&) {}, [](caf::ok_atom) {},
                  caf::after(std::chrono::seconds{0}) >> [] { FAIL("a reply is missing"); });
}

TEST_CASE("a full batch commits without waiting for the mailbox to drain", "[store_writer]") {
  writer_fixture f{10};
  caf::scoped_actor self{*f.sys};
  for (int i = 0; i < 25; ++i)
    self->send(f.writer, message("msg_" + std::to_string(i)));
  f.run();
  CHECK(*f.commits == 3); // 10 + 10 + 5
}

namespace {

/// A pending delivery to an existing endpoint, stored directly.
st::delivery_record stored_delivery(st::store& db) {
  st::endpoint_record ep;
  ep.id = "ep_1";
  ep.url = "https://example.test/";
  ep.secret = "whsec_c2VjcmV0";
  db.put_endpoint(ep);
  auto cmd = message("msg_1");
  db.begin();
  db.insert_message(cmd.message, cmd.deliveries);
  db.commit();
  REQUIRE(cmd.deliveries.size() == 1);
  return cmd.deliveries[0];
}

record_attempt_cmd attempt_outcome_cmd(const st::delivery_record& d, int status, time_point at) {
  record_attempt_cmd cmd;
  cmd.attempt.delivery_id = d.id;
  cmd.attempt.at = at;
  cmd.attempt.status_code = status;
  cmd.attempt.outcome = status == 200 ? attempt_outcome::success : attempt_outcome::failure;
  cmd.update.delivery_id = d.id;
  cmd.update.status = status == 200 ? delivery_status::delivered : delivery_status::pending;
  cmd.update.attempts = d.attempts + 1;
  cmd.update.first_attempt_at = at;
  cmd.update.next_attempt_at = status == 200 ? no_time : at + std::chrono::minutes{2};
  cmd.update.last_status_code = status;
  cmd.update.at = at;
  return cmd;
}

} // namespace

TEST_CASE("while the database is locked, engine writes are kept in order and land once it "
          "frees up",
          "[store_writer]") {
  writer_fixture f{2048, st::sqlite_options{.busy_timeout = std::chrono::milliseconds{20}}};
  const auto d = stored_delivery(*f.db);
  const auto t = from_unix_ms(1'700'000'100'000);
  // Another process holds the write lock: every BEGIN IMMEDIATE of the writer gives up after
  // 20 ms with SQLITE_BUSY.
  auto other = st::open_sqlite_store(f.path);
  other->begin();

  caf::scoped_actor self{*f.sys};
  auto first = attempt_outcome_cmd(d, 503, t);
  auto second = attempt_outcome_cmd(d, 200, t + std::chrono::minutes{2});
  second.update.attempts = 2;
  self->send(f.writer, first);
  self->send(f.writer, set_failing_since_cmd{"ep_1", t, {}});
  self->send(f.writer, second);
  self->send(f.writer, flush_atom_v); // a caller that waits gets the error at once
  f.run();
  self->receive([](caf::ok_atom) { FAIL("flush committed under a lock"); },
                [](caf::error& e) {
                  CHECK(code_of(e) == static_cast<std::uint8_t>(errc::store_failed));
                },
                caf::after(std::chrono::seconds{0}) >> [] { FAIL("no reply"); });
  CHECK(*f.failure_episodes == 1);

  // Still locked: the retry fails again, nothing is dropped and no second alert is raised.
  f.sched->trigger_timeout();
  f.run();
  CHECK(*f.commits == 0);
  CHECK(*f.failure_episodes == 1);

  other->rollback(); // the lock goes away
  f.sched->trigger_timeout();
  f.run();
  CHECK(*f.commits == 1);

  auto reader = st::open_sqlite_store(f.path, {.read_only = true});
  auto now = reader->deliveries_of(d.message_seq);
  REQUIRE(now.size() == 1);
  CHECK(now[0].status == delivery_status::delivered); // applied in order: 503, then 200
  CHECK(now[0].attempts == 2);
  CHECK(reader->attempts_of("msg_1").size() == 2);
  CHECK(reader->find_endpoint("ep_1")->failing_since == t);

  // Healthy again: commands are answered normally.
  self->send(f.writer, flush_atom_v);
  f.run();
  self->receive([](caf::ok_atom) {}, caf::after(std::chrono::seconds{0}) >> [] { FAIL("no reply"); });
}

TEST_CASE("writes queued while a failed batch waits commit at most max_batch at a time",
          "[store_writer]") {
  writer_fixture f{4, st::sqlite_options{.busy_timeout = std::chrono::milliseconds{20}}};
  auto other = st::open_sqlite_store(f.path);
  other->begin(); // the write lock is held elsewhere
  caf::scoped_actor self{*f.sys};
  const auto t = from_unix_ms(1'700'000'100'000);
  for (int i = 0; i < 10; ++i)
    self->send(f.writer, set_failing_since_cmd{"ep_" + std::to_string(i), t, {}});
  f.run();
  CHECK(*f.commits == 0);
  other->rollback();
  f.sched->trigger_timeout();
  f.run();
  CHECK(*f.commits == 3); // 4 + 4 + 2, never one transaction of 10
}

TEST_CASE("a batch of messages is one command: one transaction, each message refused alone",
          "[store_writer][batch]") {
  writer_fixture f;
  caf::scoped_actor self{*f.sys};
  insert_messages_cmd batch;
  batch.items.push_back(message("msg_b"));
  batch.items.push_back(message("msg_a")); // refused: the single insert before it took the id
  auto named = message("msg_c");
  named.endpoints_named = true; // refused: its endpoint ep_1 does not exist
  batch.items.push_back(named);
  batch.items.push_back(message("msg_d"));
  self->send(f.writer, message("msg_a"));
  self->send(f.writer, std::move(batch));
  // A refused command after the batch in the same group commit: the transaction runs again
  // without it, the batch included, which must give the same outcome.
  self->send(f.writer, message("msg_a"));
  f.run();

  CHECK(*f.commits == 1);
  self->receive([](message_inserted& m) { CHECK(m.message.id == "msg_a"); },
                caf::after(std::chrono::seconds{0}) >> [] { FAIL("no reply to the first insert"); });
  self->receive(
      [](messages_inserted& r) {
        REQUIRE(r.items.size() == 4);
        CHECK_FALSE(r.items[0].refusal);
        CHECK(r.items[0].inserted.message.id == "msg_b");
        CHECK(r.items[0].inserted.message.seq > 0);
        CHECK(code_of(r.items[1].refusal) == static_cast<std::uint8_t>(errc::store_conflict));
        CHECK(code_of(r.items[2].refusal) == static_cast<std::uint8_t>(errc::store_missing));
        CHECK_FALSE(r.items[3].refusal);
        CHECK(r.items[3].inserted.message.seq == r.items[0].inserted.message.seq + 1);
      },
      caf::after(std::chrono::seconds{0}) >> [] { FAIL("no reply to the batch"); });
  self->receive([](caf::error& e) { CHECK(code_of(e) == static_cast<std::uint8_t>(errc::store_conflict)); },
                caf::after(std::chrono::seconds{0}) >> [] { FAIL("no reply to the second insert"); });
  for (const auto* id : {"msg_a", "msg_b", "msg_d"})
    CHECK(f.db->find_message(id));
  CHECK_FALSE(f.db->find_message("msg_c"));
}

TEST_CASE("the writer keeps one quiet timer while busy and none once it gave its cache back",
          "[store_writer]") {
  writer_fixture f;
  caf::scoped_actor self{*f.sys};
  self->send(f.writer, message("msg_1"));
  self->send(f.writer, message("msg_2"));
  f.run();
  const auto& schedule = f.sched->clock().schedule();
  CHECK(schedule.size() == 1); // one timer for both commands
  f.sched->trigger_timeout();  // busy during that period: armed again
  f.run();
  CHECK(schedule.size() == 1);
  f.sched->trigger_timeout(); // a quiet period: the cache is released, no timer stays
  f.run();
  CHECK(schedule.empty());
  self->send(f.writer, message("msg_3")); // busy again: armed again
  f.run();
  CHECK(schedule.size() == 1);
}

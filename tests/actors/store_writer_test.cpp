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
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  std::shared_ptr<st::store> db;
  std::shared_ptr<int> commits = std::make_shared<int>(0);
  store_writer_actor writer;

  explicit writer_fixture(std::size_t max_batch = 2048) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    configure_actor_system(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    db = st::open_sqlite_store(dir.file("hookd.db"));
    store_writer_options opts{false, max_batch, [c = commits](std::size_t, auto) { ++*c; }, {}};
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
                    CHECK(code_of(e) == static_cast<std::uint8_t>(errc::store_failed));
                    ++failed;
                  },
                  caf::after(std::chrono::seconds{0}) >> [] { FAIL("a reply is missing"); });
  CHECK(ok == 6);
  CHECK(failed == 1);
  // One batch that failed as a whole, then one transaction per command to isolate the bad ones.
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

// Deferred durability (store/durability.hpp), with a real SQLite store opened as the daemon's
// writer is (deferred_sync): the writer answers a batch only after its syncer made it durable,
// a failed sync fails the callers and every later commit, and a reader's recovery loads stop at
// the durable watermark.
#include "actors/store_reader.hpp"
#include "actors/store_writer.hpp"
#include "app/engine.hpp"
#include "messages/errors.hpp"
#include "store/sqlite_store.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <caf/all.hpp>

#include <filesystem>

using namespace hookd;
namespace st = hookd::store;

namespace {

const time_point t0 = from_unix_ms(1'700'000'000'000);

insert_message_cmd message_to_ep1(const std::string& id) {
  insert_message_cmd cmd;
  cmd.message.id = id;
  cmd.message.event_type = "t";
  cmd.message.payload = "{}";
  cmd.message.created_at = t0;
  st::delivery_record d;
  d.endpoint_id = "ep_1";
  d.next_attempt_at = t0;
  cmd.deliveries.push_back(d);
  return cmd;
}

struct sync_fixture {
  testing::temp_dir dir;
  std::string path = dir.file("hookd.db");
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  std::shared_ptr<st::store> db;
  std::shared_ptr<int> commits = std::make_shared<int>(0);
  std::shared_ptr<int> failure_episodes = std::make_shared<int>(0);
  std::shared_ptr<st::durable_watermark> watermark;
  store_writer_actor writer;

  sync_fixture() {
    cfg.set("scheduler.policy", caf::atom("testing"));
    configure_actor_system(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    db = st::open_sqlite_store(path, sqlite_options_for(store_role::writer));
    st::endpoint_record ep;
    ep.id = "ep_1";
    ep.url = "https://example.test/";
    ep.secret = "whsec_c2VjcmV0";
    db->put_endpoint(ep);
    watermark = std::make_shared<st::durable_watermark>(db->newest_delivery_id());
    store_writer_options opts{false, 2048, [c = commits](std::size_t, auto) { ++*c; },
                              [e = failure_episodes](const std::string&) { ++*e; }, watermark};
    writer = spawn_store_writer(*sys, db, opts);
  }
  ~sync_fixture() {
    caf::anon_send_exit(writer, caf::exit_reason::user_shutdown);
    run();
  }
  void run() {
    while (sched->try_run_once()) {
    }
  }
  /// The name of the actor whose turn is next under the test coordinator.
  std::string next_actor() {
    return sched->has_job() ? sched->next_job<caf::local_actor>().name() : "";
  }
};

} // namespace

TEST_CASE("the daemon's writer store defers durability to a sync", "[store_sync]") {
  testing::temp_dir dir;
  auto db = st::open_sqlite_store(dir.file("hookd.db"), sqlite_options_for(store_role::writer));
  auto durability = db->deferred_durability();
  REQUIRE(durability);
  CHECK(db->newest_delivery_id() == 0);
  durability->sync(); // nothing committed yet: still fine
  // Tests and tools open stores whose commit() is durable by itself.
  CHECK_FALSE(st::open_sqlite_store(dir.file("other.db"))->deferred_durability());
}

TEST_CASE("a committed batch is answered only after the syncer made it durable",
          "[store_sync]") {
  sync_fixture f;
  caf::scoped_actor self{*f.sys};
  self->send(f.writer, message_to_ep1("msg_1"));
  self->send(f.writer, message_to_ep1("msg_2"));
  // Step until the batch has committed.
  while (*f.commits == 0)
    REQUIRE(f.sched->try_run_once());
  // Committed and visible, but not yet synced: no answer, and the watermark has not moved.
  CHECK(f.db->newest_delivery_id() == 2);
  CHECK(f.watermark->newest() == 0);
  CHECK(self->mailbox().empty());
  CHECK(f.next_actor() == "hookd.store_syncer");
  f.run();
  int answered = 0;
  for (int i = 0; i < 2; ++i)
    self->receive([&](message_inserted& m) { answered += m.deliveries.size() == 1 ? 1 : 0; },
                  [](caf::error& e) { FAIL(caf::to_string(e)); },
                  caf::after(std::chrono::seconds{0}) >> [] { FAIL("an answer is missing"); });
  CHECK(answered == 2);
  CHECK(f.watermark->newest() == 2);
}

TEST_CASE("batches committed while a sync is out share the next sync", "[store_sync]") {
  sync_fixture f;
  caf::scoped_actor self{*f.sys};
  self->send(f.writer, message_to_ep1("msg_1"));
  while (*f.commits == 0)
    REQUIRE(f.sched->try_run_once());
  // The first sync is out (queued, not run); two more batches commit meanwhile.
  REQUIRE(f.next_actor() == "hookd.store_syncer");
  self->send(f.writer, message_to_ep1("msg_2"));
  self->send(f.writer, message_to_ep1("msg_3"));
  while (*f.commits < 2)
    REQUIRE(f.sched->try_run_once()); // the syncer first, then the writer
  f.run();
  for (int i = 0; i < 3; ++i)
    self->receive([](message_inserted&) {}, [](caf::error& e) { FAIL(caf::to_string(e)); },
                  caf::after(std::chrono::seconds{0}) >> [] { FAIL("an answer is missing"); });
  CHECK(f.watermark->newest() == 3);
}

TEST_CASE("a failed sync fails its callers and every later commit", "[store_sync]") {
  sync_fixture f;
  caf::scoped_actor self{*f.sys};
  self->send(f.writer, message_to_ep1("msg_1"));
  while (*f.commits == 0)
    REQUIRE(f.sched->try_run_once());
  // The WAL file disappears under the sync (the connection keeps its own descriptor): the
  // sync cannot promise anything about the commit.
  std::filesystem::remove(f.path + "-wal");
  f.run();
  self->receive([](message_inserted&) { FAIL("acknowledged without a sync"); },
                [](caf::error& e) { CHECK(code_of(e) == static_cast<std::uint8_t>(errc::store_failed)); },
                caf::after(std::chrono::seconds{0}) >> [] { FAIL("an answer is missing"); });
  CHECK(*f.failure_episodes == 1);
  CHECK(f.watermark->newest() == 0);
  self->send(f.writer, message_to_ep1("msg_2"));
  f.run();
  self->receive([](message_inserted&) { FAIL("committed after a failed sync"); },
                [](caf::error& e) { CHECK(code_of(e) == static_cast<std::uint8_t>(errc::store_failed)); },
                caf::after(std::chrono::seconds{0}) >> [] { FAIL("an answer is missing"); });
  CHECK(*f.commits == 1);
}

TEST_CASE("a reader's recovery load leaves out deliveries newer than the durable watermark",
          "[store_sync]") {
  sync_fixture f;
  for (int i = 1; i <= 3; ++i) {
    auto cmd = message_to_ep1("msg_" + std::to_string(i));
    f.db->begin();
    f.db->insert_message(cmd.message, cmd.deliveries);
    f.db->commit();
  }
  f.watermark->raise_to(2); // delivery 3 is committed but not yet known durable
  auto reader = spawn_store_reader(*f.sys, st::open_sqlite_store(f.path, sqlite_options_for(store_role::reader)),
                                   false, f.watermark);
  caf::scoped_actor self{*f.sys};
  self->send(reader, load_pending_query{"ep_1"});
  f.run();
  self->receive(
      [](std::vector<st::delivery_record>& pending) {
        REQUIRE(pending.size() == 2);
        CHECK(pending[0].id == 1);
        CHECK(pending[1].id == 2);
      },
      [](caf::error& e) { FAIL(caf::to_string(e)); },
      caf::after(std::chrono::seconds{0}) >> [] { FAIL("no answer"); });
  f.watermark->raise_to(3);
  self->send(reader, load_pending_query{"ep_1"});
  f.run();
  self->receive([](std::vector<st::delivery_record>& pending) { CHECK(pending.size() == 3); },
                [](caf::error& e) { FAIL(caf::to_string(e)); },
                caf::after(std::chrono::seconds{0}) >> [] { FAIL("no answer"); });
  caf::anon_send_exit(reader, caf::exit_reason::user_shutdown);
  f.run();
}

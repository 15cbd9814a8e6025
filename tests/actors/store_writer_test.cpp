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

/// Forwards to a real store and counts transactions.
class counting_store : public st::store {
public:
  explicit counting_store(std::unique_ptr<st::store> inner) : inner_(std::move(inner)) {}
  int commits = 0;

  void begin() override { inner_->begin(); }
  void commit() override {
    inner_->commit();
    ++commits;
  }
  void rollback() override { inner_->rollback(); }
  void insert_message(st::message_record& m, std::vector<st::delivery_record>& d) override {
    inner_->insert_message(m, d);
  }
  void record_attempt(st::attempt_record& a, const st::delivery_update& d) override {
    inner_->record_attempt(a, d);
  }
  void update_delivery(const st::delivery_update& d) override { inner_->update_delivery(d); }
  void put_endpoint(const st::endpoint_record& ep) override { inner_->put_endpoint(ep); }
  void set_endpoint_status(const std::string& id, endpoint_status s, disabled_reason r,
                           time_point at) override {
    inner_->set_endpoint_status(id, s, r, at);
  }
  void set_failing_since(const std::string& id, time_point t) override {
    inner_->set_failing_since(id, t);
  }
  std::size_t fail_pending(const std::string& id, failure_reason r, time_point at) override {
    return inner_->fail_pending(id, r, at);
  }
  bool delete_endpoint(const std::string& id, time_point at) override {
    return inner_->delete_endpoint(id, at);
  }
  std::size_t requeue_failed(const std::string& id, time_point since, time_point now) override {
    return inner_->requeue_failed(id, since, now);
  }
  std::size_t purge_finished(time_point before) override { return inner_->purge_finished(before); }
  std::vector<st::endpoint_record> load_endpoints() override { return inner_->load_endpoints(); }
  std::optional<st::endpoint_record> find_endpoint(const std::string& id) override {
    return inner_->find_endpoint(id);
  }
  std::vector<std::string> endpoints_with_pending() override {
    return inner_->endpoints_with_pending();
  }
  std::vector<st::delivery_record> load_pending(const std::string& id) override {
    return inner_->load_pending(id);
  }
  std::vector<std::pair<std::int64_t, std::string>>
  load_payloads(std::span<const std::int64_t> seqs) override {
    return inner_->load_payloads(seqs);
  }
  std::optional<st::message_record> find_message(const std::string& id) override {
    return inner_->find_message(id);
  }
  std::vector<st::delivery_record> deliveries_of(std::int64_t seq) override {
    return inner_->deliveries_of(seq);
  }
  std::vector<st::attempt_record> attempts_of(const std::string& id) override {
    return inner_->attempts_of(id);
  }

private:
  std::unique_ptr<st::store> inner_;
};

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
  std::shared_ptr<counting_store> db;
  store_writer_actor writer;

  explicit writer_fixture(std::size_t max_batch = 2048) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    configure_actor_system(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    db = std::make_shared<counting_store>(st::open_sqlite_store(dir.file("hookd.db")));
    writer = spawn_store_writer(*sys, db, store_writer_options{false, max_batch});
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
  CHECK(f.db->commits == 0);
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
  CHECK(f.db->commits == 1);
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
  CHECK(f.db->commits == 3); // 10 + 10 + 5
}

// The real-time engine fixture (see live_engine.hpp): assembly, blocking requests and store
// reads (the polling helpers are in tests/support/live_helpers).
#include "tests/engine/live_engine.hpp"

#include "logging/logger.hpp"
#include "messages/errors.hpp"
#include "policy/ids.hpp"
#include "policy/signing.hpp"
#include "store/sqlite_store.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace hookd::testing {

using namespace std::chrono_literals;

namespace {

constexpr auto request_timeout = 10s;

time_point wall_now() {
  return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now());
}

/// Info logs per attempt would drown the test output; HOOKD_TEST_LOG=debug brings them back.
void quiet_logs() {
  const char* level = std::getenv("HOOKD_TEST_LOG");
  logging::configure(level != nullptr ? level : "warn", "text");
}

} // namespace

// -- live_engine ------------------------------------------------------------------------------

live_engine::live_engine(const tuner& tune) : db_path_(dir_.file("hookd.db")) {
  quiet_logs();
  auto c = compressed_config();
  if (tune)
    tune(c);
  cfg_ = std::make_shared<const config::config>(std::move(c));
  REQUIRE(start() == 0);
  store::sqlite_options ro;
  ro.read_only = true;
  inspector_ = store::open_sqlite_store(db_path_, ro);
}

live_engine::~live_engine() {
  stop();
}

std::size_t live_engine::start() {
  REQUIRE_FALSE(sys_);
  sys_cfg_ = std::make_unique<caf::actor_system_config>();
  configure_actor_system(*sys_cfg_);
  sys_cfg_->set("scheduler.max-threads", 2);
  sys_ = std::make_unique<caf::actor_system>(*sys_cfg_);
  engine_options opts;
  opts.open_store = open_sqlite_at(db_path_);
  engine_ = std::make_unique<engine>(*sys_, cfg_, std::move(opts));
  auto recovered = engine_->recover_blocking();
  REQUIRE(recovered);
  return *recovered;
}

void live_engine::stop() {
  engine_.reset();
  sys_.reset(); // waits until every actor is gone
  sys_cfg_.reset();
}

void live_engine::shutdown() {
  engine_->shutdown_blocking();
}

template <class Reply, class Handle, class... Ts>
Reply live_engine::ask(const Handle& dest, Ts&&... xs) {
  caf::scoped_actor self{*sys_};
  std::optional<Reply> reply;
  caf::error error;
  self->request(dest, request_timeout, std::forward<Ts>(xs)...)
      .receive([&](Reply& r) { reply = std::move(r); },
               [&](caf::error& e) { error = std::move(e); });
  if (!reply)
    FAIL("request failed: " << describe(error));
  return std::move(*reply);
}

std::string live_engine::add_endpoint(const std::string& url, std::vector<std::string> event_types,
                                      const std::function<void(store::endpoint_record&)>& adjust) {
  static policy::id_generator ids;
  store::endpoint_record ep;
  ep.id = ids.next("ep_", wall_now());
  ep.url = url;
  ep.secret = policy::generate_secret();
  ep.event_types = std::move(event_types);
  ep.created_at = ep.updated_at = wall_now();
  if (adjust)
    adjust(ep);
  auto stored = ask<store::endpoint_record>(engine_->dispatcher(), put_endpoint_cmd{ep});
  REQUIRE(stored.id == ep.id);
  secrets_[ep.id] = ep.secret;
  return ep.id;
}

const std::string& live_engine::secret_of(const std::string& endpoint_id) const {
  return secrets_.at(endpoint_id);
}

std::string live_engine::submit(const std::string& payload, const std::string& endpoint_id,
                                const std::string& event_type) {
  auto result = ask<submit_result>(engine_->dispatcher(),
                                   submit_message{event_type, payload, endpoint_id, {}, {}, {}, {}, {}, {}, {}});
  REQUIRE_FALSE(result.message.id.empty());
  return result.message.id;
}

caf::actor live_engine::endpoint_actor_of(const std::string& endpoint_id) {
  return ask<caf::actor>(engine_->dispatcher(), caf::get_atom_v, endpoint_id);
}

std::vector<store::delivery_record> live_engine::deliveries_of(const std::string& message_id) {
  auto msg = inspector_->find_message(message_id);
  REQUIRE(msg);
  return inspector_->deliveries_of(msg->seq);
}

store::delivery_record live_engine::delivery(const std::string& message_id,
                                             const std::string& endpoint_id) {
  auto all = deliveries_of(message_id);
  if (endpoint_id.empty()) {
    REQUIRE(all.size() == 1);
    return all.front();
  }
  auto it = std::find_if(all.begin(), all.end(),
                         [&](const auto& d) { return d.endpoint_id == endpoint_id; });
  REQUIRE(it != all.end());
  return *it;
}

std::vector<store::attempt_record> live_engine::attempts_of(const std::string& message_id) {
  return inspector_->attempts_of(message_id);
}

std::optional<store::endpoint_record> live_engine::endpoint(const std::string& id) {
  return inspector_->find_endpoint(id);
}

bool live_engine::delivery_is(const std::string& message_id, delivery_status status,
                              const std::string& endpoint_id) {
  return delivery(message_id, endpoint_id).status == status;
}

} // namespace hookd::testing

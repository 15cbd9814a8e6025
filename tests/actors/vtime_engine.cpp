#include "tests/actors/vtime_engine.hpp"

#include "actors/guarded_promise.hpp"
#include "actors/wall_clock.hpp"
#include "store/sqlite_store.hpp"

#include <catch2/catch.hpp>

namespace hookd::testing {
namespace {

struct destination_state {
  static inline const char* name = "test.scripted_destination";
  std::shared_ptr<std::vector<seen_attempt>> seen;
  std::shared_ptr<std::unordered_map<std::string, script>> scripts;
  wall_clock clock;
  std::vector<guarded_promise<attempt_result>> hanging; ///< answered (an error) if it stops
};

destination_actor::behavior_type
scripted_destination(destination_actor::stateful_pointer<destination_state> self,
                     std::shared_ptr<std::vector<seen_attempt>> seen,
                     std::shared_ptr<std::unordered_map<std::string, script>> scripts,
                     wall_clock clock) {
  self->state.seen = std::move(seen);
  self->state.scripts = std::move(scripts);
  self->state.clock = clock;
  return {
      [=](attempt_request& req) -> caf::result<attempt_result> {
        auto& st = self->state;
        st.seen->push_back(seen_attempt{req, st.clock.now(self->clock())});
        scripted_reply reply;
        if (auto it = st.scripts->find(req.url); it != st.scripts->end())
          reply = it->second(req);
        guarded_promise<attempt_result> rp{self};
        if (reply.hang) {
          st.hanging.push_back(rp);
          return rp;
        }
        attempt_result r;
        r.delivery_id = req.delivery_id;
        r.status = reply.status;
        r.error = reply.error;
        r.retry_after = reply.retry_after;
        rp.deliver(std::move(r));
        return rp;
      },
  };
}

} // namespace

vtime_engine::vtime_engine(std::function<void(config::config&)> tune,
                           std::function<void(const std::string& path)> prepare_store)
    : seen_(std::make_shared<std::vector<seen_attempt>>()),
      scripts_(std::make_shared<std::unordered_map<std::string, script>>()) {
  cfg.endpoints.allow_private_targets = true;
  if (tune)
    tune(cfg);
  sys_cfg_ = std::make_unique<caf::actor_system_config>();
  sys_cfg_->set("scheduler.policy", caf::atom("testing"));
  configure_actor_system(*sys_cfg_);
  sys_ = std::make_unique<caf::actor_system>(*sys_cfg_);
  sched_ = &dynamic_cast<caf::scheduler::test_coordinator&>(sys_->scheduler());
  const std::string db = dir_.file("hookd.db");
  if (prepare_store)
    prepare_store(db);
  engine_options opts;
  // A short busy_timeout: a test holding the write lock makes writes fail quickly.
  opts.open_store = [db](store_role role) {
    auto options = sqlite_options_for(role);
    options.busy_timeout = std::chrono::milliseconds{20};
    return std::shared_ptr<store::store>{store::open_sqlite_store(db, options)};
  };
  opts.detached_store = false;
  clock_ = wall_clock::anchored_now(sys_->clock());
  opts.clock = clock_;
  opts.make_destinations = [this](caf::actor_system& sys) {
    return std::vector<destination_actor>{sys.spawn(scripted_destination, seen_, scripts_, clock_)};
  };
  engine_ = std::make_unique<engine>(*sys_, std::make_shared<const config::config>(cfg), opts);
  inspector_ = store::open_sqlite_store(db);
  self_ = std::make_unique<caf::scoped_actor>(*sys_);
  run();
  recovered_ = ask<std::size_t>(caf::actor_cast<caf::actor>(engine_->dispatcher()), recover_atom_v);
  if (!prepare_store)
    REQUIRE(recovered_ == 0);
}

vtime_engine::~vtime_engine() {
  self_.reset();
  engine_.reset();
  run();
}

time_point vtime_engine::now() const {
  return clock_.now(sys_->clock());
}

void vtime_engine::run() {
  while (sched_->try_run_once()) {
  }
}

void vtime_engine::advance(duration d) {
  auto& clock = sched_->clock();
  const auto target = clock.now() + d;
  for (;;) {
    run();
    const auto& schedule = clock.schedule();
    if (schedule.empty() || schedule.begin()->first > target)
      break;
    sched_->trigger_timeout();
  }
  if (clock.current_time < target)
    clock.current_time = target;
  run();
}

template <class Reply, class... Ts>
Reply vtime_engine::ask(const caf::actor& dest, Ts... xs) {
  (*self_)->send(dest, std::move(xs)...);
  run();
  std::optional<Reply> reply;
  (*self_)->receive([&](Reply& r) { reply = std::move(r); },
                    [&](caf::error& e) { last_error = std::move(e); },
                    caf::after(std::chrono::seconds{0}) >> [] {});
  if (!reply)
    return Reply{};
  return std::move(*reply);
}

std::string vtime_engine::add_endpoint(const std::string& url,
                                       std::vector<std::string> event_types,
                                       const std::function<void(store::endpoint_record&)>& adjust) {
  static int counter = 0;
  store::endpoint_record ep;
  ep.id = "ep_test" + std::to_string(++counter);
  ep.url = url;
  ep.secret = "whsec_dGVzdC1zZWNyZXQtdGVzdC1zZWNyZXQtdGVzdA==";
  ep.event_types = std::move(event_types);
  ep.created_at = ep.updated_at = now();
  if (adjust)
    adjust(ep);
  auto stored = ask<store::endpoint_record>(caf::actor_cast<caf::actor>(engine_->dispatcher()),
                                            put_endpoint_cmd{ep});
  REQUIRE(stored.id == ep.id);
  return ep.id;
}

std::string vtime_engine::submit(const std::string& event_type, const std::string& payload,
                                 const std::string& endpoint_id) {
  last_error = caf::error{};
  auto result = ask<submit_result>(caf::actor_cast<caf::actor>(engine_->dispatcher()),
                                   submit_message{event_type, payload, endpoint_id, {}, {}, {}, {}, {}, {}, {}});
  return result.message.id;
}

std::vector<std::string> vtime_engine::submit_concurrently(std::size_t n,
                                                           const std::string& event_type,
                                                           const std::string& payload) {
  last_error = caf::error{};
  for (std::size_t i = 0; i < n; ++i)
    (*self_)->send(caf::actor_cast<caf::actor>(engine_->dispatcher()),
                   submit_message{event_type, payload, {}, {}, {}, {}, {}, {}, {}, {}});
  run();
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < n; ++i)
    (*self_)->receive([&](submit_result& r) { ids.push_back(r.message.id); },
                      [&](caf::error& e) {
                        ids.emplace_back();
                        last_error = std::move(e);
                      },
                      caf::after(std::chrono::seconds{0}) >> [&] { ids.emplace_back(); });
  return ids;
}

std::vector<store::delivery_record> vtime_engine::deliveries_of(const std::string& message_id) {
  auto msg = inspector_->find_message(message_id);
  REQUIRE(msg);
  return inspector_->deliveries_of(msg->seq);
}

std::optional<store::endpoint_record> vtime_engine::endpoint(const std::string& id) {
  return inspector_->find_endpoint(id);
}

caf::actor vtime_engine::endpoint_actor_of(const std::string& endpoint_id) {
  return ask<caf::actor>(caf::actor_cast<caf::actor>(engine_->dispatcher()), caf::get_atom_v,
                         endpoint_id);
}

void vtime_engine::script_for(const std::string& url, script s) {
  (*scripts_)[url] = std::move(s);
}

std::vector<seen_attempt> vtime_engine::attempts_to(const std::string& url) const {
  std::vector<seen_attempt> out;
  for (const auto& a : *seen_)
    if (a.request.url == url)
      out.push_back(a);
  return out;
}

} // namespace hookd::testing

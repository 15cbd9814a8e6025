#include "actors/janitor.hpp"

#include "logging/logger.hpp"
#include "messages/errors.hpp"

#include <caf/all.hpp>

namespace hookd {

duration janitor_interval(duration retention) {
  return std::clamp<duration>(retention / 4, std::chrono::seconds{1}, std::chrono::minutes{10});
}

namespace {

constexpr std::size_t purge_step = 1000;

struct janitor_state {
  static inline const char* name = "hookd.janitor";
  janitor_deps deps;
  std::shared_ptr<spdlog::logger> log = logging::get("store");
};

using janitor_ptr = janitor_actor::stateful_pointer<janitor_state>;

time_point now(janitor_ptr self) { return self->state.deps.ctx->clock.now(self->clock()); }

void schedule(janitor_ptr self) {
  self->delayed_send(self, janitor_interval(self->state.deps.ctx->cfg->store.retention), tick_atom_v);
}

void purge(janitor_ptr self) {
  auto& st = self->state;
  if (!st.deps.ctx->leader->load()) { // cluster mode: the leader purges for the cluster
    schedule(self);
    return;
  }
  const time_point t = now(self);
  self->request(st.deps.writer, caf::infinite, purge_cmd{t - st.deps.ctx->cfg->store.retention, purge_step})
      .then(
          [=](std::size_t removed) {
            if (removed > 0)
              self->state.log->info("purged {} finished messages older than {}", removed,
                                    "store.retention");
            if (removed == purge_step)
              self->send(self, tick_atom_v); // more to do: next step right away
            else
              schedule(self);
          },
          [=](caf::error& e) {
            self->state.log->error("purge failed: {}", describe(e));
            schedule(self);
          });
  self->request(st.deps.writer, caf::infinite, purge_idempotency_cmd{t - idempotency_window})
      .then([](std::size_t) {}, [=](caf::error& e) { self->state.log->error("purge of idempotency keys failed: {}", describe(e)); });
}

janitor_actor::behavior_type janitor(janitor_ptr self, janitor_deps deps) {
  self->state.deps = std::move(deps);
  schedule(self);
  return {
      [=](tick_atom) { purge(self); },
  };
}

} // namespace

janitor_actor spawn_janitor(caf::actor_system& sys, janitor_deps deps) {
  return sys.spawn(janitor, std::move(deps));
}

} // namespace hookd

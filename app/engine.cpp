#include "app/engine.hpp"

#include "actors/dispatcher.hpp"
#include "actors/engine_context.hpp"
#include "actors/http_destination.hpp"
#include "actors/janitor.hpp"
#include "actors/store_reader.hpp"
#include "actors/store_writer.hpp"
#include "actors/supervisor.hpp"
#include "logging/logger.hpp"

#include <caf/all.hpp>

namespace hookd {
namespace {

std::vector<destination_actor> http_destinations(caf::actor_system& sys,
                                                 const config::config& cfg) {
  std::vector<destination_actor> out;
  const int n = std::max(1, cfg.http.io_threads);
  for (int i = 0; i < n; ++i)
    out.push_back(spawn_http_destination(sys, http_destination_options_from(cfg, n)));
  return out;
}

} // namespace

void configure_actor_system(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::hookd>();
}

engine::engine(caf::actor_system& sys, std::shared_ptr<const config::config> cfg,
               engine_options opts)
    : sys_(sys), cfg_(std::move(cfg)) {
  ctx_ = std::make_shared<const engine_context>(
      engine_context{cfg_, opts.clock.value_or(wall_clock::anchored_now(sys.clock()))});
  const auto& ctx = ctx_;
  writer_ = spawn_store_writer(sys, opts.open_store(), store_writer_options{opts.detached_store, 2048, {}});
  reader_ = spawn_store_reader(sys, opts.open_store(), opts.detached_store);
  destinations_ =
      opts.make_destinations ? opts.make_destinations(sys) : http_destinations(sys, *cfg_);
  supervisor_ = spawn_supervisor(sys, supervisor_deps{ctx, writer_});
  dispatcher_ =
      spawn_dispatcher(sys, dispatcher_deps{ctx, writer_, reader_, supervisor_, destinations_});
  caf::anon_send(supervisor_, dispatcher_);
  janitor_ = spawn_janitor(sys, janitor_deps{ctx, writer_});
}

engine::~engine() {
  auto stop = [](const auto& handle) {
    if (handle)
      caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
  };
  stop(janitor_);
  stop(dispatcher_);
  stop(supervisor_);
  for (const auto& d : destinations_)
    stop(d);
  stop(reader_);
  stop(writer_);
}

caf::expected<std::size_t> engine::recover_blocking() {
  caf::scoped_actor self{sys_};
  caf::expected<std::size_t> result{std::size_t{0}};
  self->request(dispatcher_, caf::infinite, recover_atom_v)
      .receive([&](std::size_t n) { result = n; }, [&](caf::error& e) { result = std::move(e); });
  return result;
}

void engine::shutdown_blocking() {
  caf::scoped_actor self{sys_};
  auto log = logging::get("engine");
  const auto grace = cfg_->http.attempt_timeout + std::chrono::seconds{5};
  self->request(dispatcher_, grace, shutdown_atom_v)
      .receive([](caf::ok_atom) {},
               [&](caf::error& e) {
                 log->warn("shutdown: endpoints did not drain: {}", caf::to_string(e));
               });
  self->request(writer_, std::chrono::seconds{30}, flush_atom_v)
      .receive([](caf::ok_atom) {},
               [&](caf::error& e) {
                 log->error("shutdown: store flush failed: {}", caf::to_string(e));
               });
}

} // namespace hookd

#include "app/engine.hpp"

#include "actors/cluster_membership.hpp"
#include "actors/dispatcher.hpp"
#include "actors/engine_context.hpp"
#include "actors/http_destination.hpp"
#include "actors/janitor.hpp"
#include "actors/store_reader.hpp"
#include "actors/store_writer.hpp"
#include "actors/supervisor.hpp"
#include "hookd_version.hpp"
#include "logging/logger.hpp"

#include <caf/all.hpp>

namespace hookd {
namespace {

std::vector<destination_actor> http_destinations(caf::actor_system& sys, const config::config& cfg,
                                                 const std::string& node_id) {
  std::vector<destination_actor> out;
  const int n = std::max(1, cfg.http.io_threads);
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    out.push_back(spawn_http_destination(sys, http_destination_options_from(cfg, n, node_id)));
  return out;
}

/// Each endpoint's success_rate_1h lives in memory (metrics/endpoint_windows.hpp): after a
/// restart it is filled again from the attempt log's last hour, before any actor runs.
void refill_endpoint_windows(store::store& db, const engine_context& ctx) {
  const time_point now = ctx.started_at;
  // An attempt is logged when it ends: within its timeout (an endpoint's timeout_ms is at
  // most 60 s), plus the writer's batching.
  const duration longest_attempt =
      std::max<duration>(ctx.cfg->http.attempt_timeout, std::chrono::seconds{60}) +
      std::chrono::seconds{60};
  std::size_t n = 0;
  const auto started = std::chrono::steady_clock::now();
  try {
    db.for_each_attempt_since(
        now - std::chrono::hours{1}, longest_attempt,
        [&](const std::string& endpoint_id, time_point at, attempt_outcome outcome) {
          ctx.metrics->per_endpoint.record(endpoint_id, at, outcome == attempt_outcome::success);
          ++n;
        });
  } catch (const store::error& e) {
    logging::get("engine")->warn("success rates of the last hour not restored: {}", e.what());
    return;
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  logging::get("engine")->info("success rates restored from {} attempts of the last hour in {} ms",
                               n, took.count());
}

} // namespace

store::sqlite_options sqlite_options_for(store_role role) {
  store::sqlite_options opts;
  if (role == store_role::reader) {
    opts.read_only = true;
  } else {
    opts.background_checkpoint = std::chrono::milliseconds{100};
    opts.process_lock = true; // one hookd per database
  }
  return opts;
}

std::function<std::shared_ptr<store::store>(store_role)> open_sqlite_at(std::string path) {
  return [path = std::move(path)](store_role role) {
    return std::shared_ptr<store::store>{store::open_sqlite_store(path, sqlite_options_for(role))};
  };
}

void configure_actor_system(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::hookd>();
}

engine::engine(caf::actor_system& sys, std::shared_ptr<const config::config> cfg,
               const engine_options& opts)
    : sys_(sys), cfg_(std::move(cfg)) {
  auto context = std::make_shared<engine_context>();
  context->cfg = cfg_;
  context->clock = opts.clock.value_or(wall_clock::anchored_now(sys.clock()));
  context->started_at = context->clock.now(sys.clock());
  if (opts.cluster)
    context->node_id = opts.cluster->node_id;
  ctx_ = context;
  const auto& ctx = ctx_;
  auto m = context->metrics;
  store_writer_options writer_opts;
  writer_opts.detached = opts.detached_store;
  writer_opts.node_id = context->node_id; // cluster mode: the owners' writes are fenced
  auto writable = context->store_writable;
  writer_opts.on_commit = [m, writable](std::size_t commands, std::chrono::microseconds took) {
    writable->store(true);
    m->store_commit.observe(static_cast<double>(took.count()) / 1e6);
    m->store_commands.inc(commands);
  };
  // The supervisor exists only after the writer; the writer's callback reads it when it fires.
  auto supervisor_slot = std::make_shared<supervisor_actor>();
  writer_opts.on_failure_episode = [supervisor_slot, writable](const std::string& error) {
    writable->store(false);
    if (*supervisor_slot) // no_time: the supervisor stamps it
      caf::anon_send(*supervisor_slot, alert_event{"store_error", "", "", error, no_time});
  };
  writer_ = spawn_store_writer(sys, opts.open_store(store_role::writer), std::move(writer_opts));
  auto reader_store = opts.open_store(store_role::reader);
  refill_endpoint_windows(*reader_store, *context);
  reader_ = spawn_store_reader(sys, std::move(reader_store), opts.detached_store);
  destinations_ =
      opts.make_destinations ? opts.make_destinations(sys) : http_destinations(sys, *cfg_, ctx->node_id);
  supervisor_ = spawn_supervisor(sys, supervisor_deps{ctx});
  *supervisor_slot = supervisor_;
  dispatcher_ =
      spawn_dispatcher(sys, dispatcher_deps{ctx, writer_, reader_, supervisor_, destinations_});
  caf::anon_send(supervisor_, dispatcher_);
  janitor_ = spawn_janitor(sys, janitor_deps{ctx, writer_});
  if (opts.cluster) {
    auto owned = ctx->endpoints_owned;
    membership_ = spawn_cluster_membership(
        sys,
        cluster_membership_deps{ctx, dispatcher_, opts.cluster->connect, version,
                                [owned] { return owned->load(); }},
        opts.detached_store);
  }
}

engine::~engine() {
  // Exits only; the actor system's destructor waits for the actors to end. None waits for an
  // answer that cannot come: the dispatcher takes its endpoint actors (draining ones too) with
  // it, and every promise still open is answered with an error when its actor stops.
  auto stop = [](const auto& handle) {
    if (handle)
      caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
  };
  stop(membership_);
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
  if (result && membership_)
    caf::anon_send(membership_, tick_atom_v); // the first heartbeat: take a share of partitions
  return result;
}

void engine::shutdown_blocking() {
  caf::scoped_actor self{sys_};
  auto log = logging::get("engine");
  // No time-out of our own: the dispatcher answers within the longest endpoint's attempt
  // timeout + 2 × drain_margin (its endpoint actors stop waiting by then), or with an error if
  // it stops first (its promises are guarded).
  self->request(dispatcher_, caf::infinite, shutdown_atom_v)
      .receive([](caf::ok_atom) {},
               [&](caf::error& e) {
                 log->warn("shutdown: endpoints did not drain: {}", caf::to_string(e));
               });
  self->request(writer_, std::chrono::seconds{30}, flush_atom_v)
      .receive([](caf::ok_atom) {},
               [&](caf::error& e) {
                 log->error("shutdown: store flush failed: {}", caf::to_string(e));
               });
  if (membership_) // everything recorded: the partitions go to the other nodes now
    self->request(membership_, std::chrono::seconds{10}, leave_atom_v)
        .receive([](caf::ok_atom) {},
                 [&](caf::error& e) {
                   log->warn("shutdown: leaving the cluster: {}", caf::to_string(e));
                 });
}

} // namespace hookd

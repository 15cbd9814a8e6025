// hookd: the webhook delivery daemon. Loads the configuration (docs/configuration.md), opens the store,
// recovers pending deliveries and runs until SIGTERM/SIGINT, then shuts down gracefully.
#include "api/api_service.hpp"
#include "app/api_server_options.hpp"
#include "app/cluster_listener.hpp"
#include "app/engine.hpp"
#include "app/signals.hpp"
#include "app/store_choice.hpp"
#include "config/fd_budget.hpp"
#include "config/load.hpp"
#include "hookd_version.hpp"
#include "logging/logger.hpp"
#include "net/http_server.hpp"
#include "sys/open_file_limit.hpp"

#include <caf/all.hpp>

#include <csignal>
#include <cstdio>
#include <thread>

namespace {

int run(const hookd::config::config& cfg, const std::string& node_id) {
  using namespace hookd;
  auto log = logging::get("hookd");
  const auto fd_limit = sys::raise_open_file_limit(); // before anything opens descriptors
  const auto connections = config::api_connection_budget(cfg, fd_limit.soft);
  if (!connections.error.empty()) {
    log->critical("{}", connections.error);
    return 2;
  }
  log->info("open-file limit {}; up to {} API connections", fd_limit.soft,
            connections.max_connections);
  shutdown_signals::block(); // before the actor system starts its threads

  caf::actor_system_config sys_cfg;
  configure_actor_system(sys_cfg);
  sys_cfg.set("scheduler.max-threads", std::max(2u, std::thread::hardware_concurrency()));
  // One shared queue whose idle workers wait on a condition variable. CAF's default
  // work-stealing workers poll, sleeping 50 us between polls, for a while after they run out of
  // work: at 500 messages/s hookd spent about 1.3 times the CPU with them; under full load the
  // two policies were within the noise (docs/benchmarks.md, third round).
  sys_cfg.set("scheduler.policy", caf::atom("sharing"));
  caf::actor_system sys{sys_cfg};

  engine_options opts;
  const bool clustered = !node_id.empty();
  opts.open_store = open_configured_store(cfg.store, node_id, cfg.cluster.lease_ttl);
  opts.cluster = cluster_for(cfg, node_id);
  const auto store_name = describe_store(cfg.store);
  std::unique_ptr<engine> eng;
  try {
    eng = std::make_unique<engine>(sys, std::make_shared<const config::config>(cfg), opts);
  } catch (const store::error& e) {
    log->critical("cannot open the store at {}: {}", store_name, e.what());
    return 1;
  }
  log->info("hookd {} starting; store {}", version, store_name);
  if (clustered)
    log->info("cluster mode: node {}, heartbeat {} ms, lease_ttl {} ms", node_id,
              cfg.cluster.heartbeat.count(), cfg.cluster.lease_ttl.count());

  api::api_service api{sys, api::api_deps{eng->context(), eng->dispatcher(), eng->reader(), eng->supervisor(), eng->membership(), eng->writer()}};
  // With an inbound listener (server.inbound_listen) it takes a quarter of the connection budget.
  const std::size_t inbound_connections =
      cfg.server.inbound_listen.empty() ? 0 : std::max<std::size_t>(1, connections.max_connections / 4);
  const auto handle = [&api](net::server_request req, net::respond_fn respond) {
    api.handle(std::move(req), std::move(respond));
  };
  net::http_server server{
      api_server_options(cfg, api, std::max<std::size_t>(1, connections.max_connections - inbound_connections)),
      handle};
  if (auto error = server.start()) {
    log->critical("cannot listen on {}: {}", cfg.server.listen, *error);
    return 1;
  }
  std::unique_ptr<net::http_server> inbound_server;
  if (auto inbound = inbound_server_options(cfg, api, inbound_connections)) {
    inbound_server = std::make_unique<net::http_server>(
        std::move(*inbound), [&api](net::server_request req, net::respond_fn respond) {
          api.handle_inbound(std::move(req), std::move(respond));
        });
    if (auto error = inbound_server->start()) {
      log->critical("cannot listen on {} (server.inbound_listen): {}", cfg.server.inbound_listen, *error);
      return 1;
    }
    log->info("inbound sources on {} (POST /in/{{source}} only)", cfg.server.inbound_listen);
  }
  log->info("listening on http://{}:{} (API under /v1, health at /healthz)", cfg.server.listen.substr(0, cfg.server.listen.rfind(':')), server.port());

  if (auto recovered = eng->recover_blocking(); !recovered) {
    log->critical("recovery failed: {}", caf::to_string(recovered.error()));
    return 1;
  } else {
    log->info("ready: {} endpoints had pending deliveries", *recovered);
  }
  std::unique_ptr<cluster_listener> listener;
  if (clustered)
    listener = std::make_unique<cluster_listener>(cfg.store.url, node_id, eng->dispatcher(),
                                                  eng->membership());
  api.set_ready(true);

  const int signal = shutdown_signals::wait();
  log->info("received {}, shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  api.set_draining(true); // new requests get 503 while in-flight attempts finish
  server.stop_accepting();
  if (inbound_server)
    inbound_server->stop_accepting();
  eng->shutdown_blocking();
  listener.reset();
  server.stop();
  if (inbound_server)
    inbound_server->stop();
  eng.reset();
  log->info("stopped");
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto loaded = hookd::config::load(args, hookd::config::process_environment());
  if (loaded.exit_now) {
    (void)std::fputs(loaded.output.c_str(), loaded.exit_code == 0 ? stdout : stderr);
    return loaded.exit_code;
  }
  // Cluster mode: every log line names this node.
  const auto node_id = loaded.cfg.store.backend == "postgres" ? hookd::node_id_for(loaded.cfg.cluster)
                                                              : std::string{};
  if (!hookd::logging::configure(loaded.cfg.log.level, loaded.cfg.log.format, node_id)) {
    (void)std::fprintf(stderr, "invalid log settings\n");
    return 2;
  }
  return run(loaded.cfg, node_id);
}

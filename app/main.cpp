// hookd: the webhook delivery daemon. Loads the configuration (SPEC §9), opens the store,
// recovers pending deliveries and runs until SIGTERM/SIGINT, then shuts down gracefully.
#include "api/api_service.hpp"
#include "app/engine.hpp"
#include "app/signals.hpp"
#include "config/listen_address.hpp"
#include "config/load.hpp"
#include "hookd_version.hpp"
#include "logging/logger.hpp"
#include "net/http_server.hpp"
#include "store/sqlite_store.hpp"

#include <caf/all.hpp>

#include <csignal>
#include <cstdio>
#include <thread>

namespace {

int run(const hookd::config::config& cfg) {
  using namespace hookd;
  auto log = logging::get("hookd");
  shutdown_signals::block(); // before the actor system starts its threads

  caf::actor_system_config sys_cfg;
  configure_actor_system(sys_cfg);
  sys_cfg.set("scheduler.max-threads", std::max(2u, std::thread::hardware_concurrency()));
  caf::actor_system sys{sys_cfg};

  engine_options opts;
  opts.open_store = open_sqlite_at(cfg.store.path);
  std::unique_ptr<engine> eng;
  try {
    eng = std::make_unique<engine>(sys, std::make_shared<const config::config>(cfg), opts);
  } catch (const store::error& e) {
    log->critical("cannot open the store at {}: {}", cfg.store.path, e.what());
    return 1;
  }
  log->info("hookd {} starting; store {}", version, cfg.store.path);

  api::api_service api{sys, api::api_deps{eng->context(), eng->dispatcher(), eng->reader(), eng->supervisor()}};
  const auto listen = config::parse_listen_address(cfg.server.listen); // validated at load
  net::server_options server_opts;
  server_opts.host = listen->host;
  server_opts.port = listen->port;
  server_opts.max_body_bytes = cfg.server.max_payload_bytes;
  net::http_server server{server_opts, [&api](net::server_request req, net::respond_fn respond) {
                            api.handle(std::move(req), std::move(respond));
                          }};
  if (auto error = server.start()) {
    log->critical("cannot listen on {}: {}", cfg.server.listen, *error);
    return 1;
  }
  log->info("listening on http://{}:{} (API under /v1, health at /healthz)", cfg.server.listen.substr(0, cfg.server.listen.rfind(':')), server.port());

  if (auto recovered = eng->recover_blocking(); !recovered) {
    log->critical("recovery failed: {}", caf::to_string(recovered.error()));
    return 1;
  } else {
    log->info("ready: {} endpoints had pending deliveries", *recovered);
  }
  api.set_ready(true);

  const int signal = shutdown_signals::wait();
  log->info("received {}, shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  api.set_draining(true); // new requests get 503 while in-flight attempts finish
  server.stop_accepting();
  eng->shutdown_blocking();
  server.stop();
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
  if (!hookd::logging::configure(loaded.cfg.log.level, loaded.cfg.log.format)) {
    (void)std::fprintf(stderr, "invalid log settings\n");
    return 2;
  }
  return run(loaded.cfg);
}

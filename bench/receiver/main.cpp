// hookd-receiver: plays a scenario's endpoints on one port (see README.md).
//
//   hookd-receiver --scenario bench/scenarios/flaky.toml [--port 0] [--threads 1] [--seed 1]
//
// Prints "port <n>" on stdout once listening; runs until SIGINT/SIGTERM or POST /_ctl/quit.
#include "bench/common/endpoint_group.hpp"
#include "bench/receiver/receiver_server.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

int main(int argc, char** argv) {
  using namespace hookd::bench;
  CLI::App app{"hookd-receiver: many scripted webhook endpoints on one port"};
  std::string scenario;
  receiver_options opts;
  app.add_option("--scenario", scenario, "scenario file whose [[groups]] to play")->required();
  app.add_option("--host", opts.host, "address to listen on")->capture_default_str();
  app.add_option("--port", opts.port, "port (0: ephemeral)")->capture_default_str();
  app.add_option("--threads", opts.threads, "io threads")->capture_default_str();
  app.add_option("--seed", opts.seed, "seed of the random parts of the script")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  // Block the stop signals in every thread; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  try {
    endpoint_table table{load_groups(scenario)};
    receiver_server server{opts, table};
    const auto port = server.start();
    std::printf("port %u\n", static_cast<unsigned>(port));
    std::fflush(stdout);
    std::fprintf(stderr, "hookd-receiver: %zu endpoints on 127.0.0.1:%u, %d io thread(s)\n",
                 table.size(), static_cast<unsigned>(port), opts.threads);
    std::thread signals([&] {
      int sig = 0;
      sigwait(&stop_signals, &sig);
      server.stop();
    });
    signals.detach();
    server.wait();
    server.stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hookd-receiver: %s\n", e.what());
    return 2;
  }
  return 0;
}

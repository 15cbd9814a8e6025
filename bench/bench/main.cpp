// hookd-bench: runs a scenario file against a real hookd and reports (see README.md).
//
//   hookd-bench bench/scenarios/throughput [--json FILE] [--work-dir DIR] [--hookd PATH]
//               [--receiver PATH] [--target PORT [--target-pid PID]] [--no-wrk]
//               [--messages-scale F] [--producer builtin|wrk|both]
//               [--nodes N[,N...] [--rounds R]]
//
// Exit status: 0 when every check passed, 1 when one failed, 2 on an error.
#include "bench/bench/interrupt.hpp"
#include "bench/bench/report.hpp"
#include "bench/bench/runner.hpp"
#include "bench/bench/scenario.hpp"
#include "bench/bench/series.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

int main(int argc, char** argv) {
  using namespace hookd::bench;
  CLI::App app{"hookd-bench: run a benchmark scenario against hookd"};
  std::string scenario_path, json_path, work_dir;
  run_options o;
  o.hookd_binary = HOOKD_BENCH_HOOKD;
  o.receiver_binary = HOOKD_BENCH_RECEIVER;
  double scale = 1.0;
  bool no_wrk = false;
  std::size_t connections = 0;
  app.add_option("scenario", scenario_path, "scenario file (bench/scenarios/<name>[.toml])")
      ->required();
  app.add_option("--json", json_path, "write the JSON report here (default: <work dir>/result.json)");
  app.add_option("--work-dir", work_dir, "data, logs and records (default: a new dir in /tmp)");
  app.add_option("--hookd", o.hookd_binary, "hookd binary")->capture_default_str();
  app.add_option("--receiver", o.receiver_binary, "hookd-receiver binary")->capture_default_str();
  app.add_option("--target", o.target_port, "use the hookd already listening on 127.0.0.1:PORT");
  app.add_option("--target-pid", o.target_pid, "its pid (for RSS and CPU)");
  app.add_flag("--no-wrk", no_wrk, "skip the wrk baseline");
  app.add_option("--messages-scale", scale, "multiply every phase's message count (trial runs)")
      ->capture_default_str();
  app.add_option("--connections", connections, "override load.connections (producers)");
  std::size_t batch = 0;
  app.add_option("--batch", batch, "override load.batch: post N messages per POST /v1/messages/batch")
      ->check(CLI::Range(1, 1000));
  std::string producer;
  app.add_option("--producer", producer,
                 "override load.producer: who posts the main phase (builtin, wrk, or both in turn)")
      ->check(CLI::IsMember({"builtin", "wrk", "both"}));
  std::vector<std::size_t> nodes;
  app.add_option("--nodes", nodes,
                 "override cluster.nodes: 0 runs one hookd on SQLite, N runs N cluster nodes on "
                 "a PostgreSQL the bench starts; a list (0,1,2,3) runs the scenario once per "
                 "entry, alternated, and compares them")
      ->delimiter(',')
      ->check(CLI::Range(0, 16));
  std::size_t rounds = 1;
  app.add_option("--rounds", rounds, "with a --nodes list: how many times to run the list")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  watch_interrupts(); // before any thread: Ctrl-C stops what the run started
  o.wrk = !no_wrk;
  std::signal(SIGPIPE, SIG_IGN);

  try {
    auto s = load_scenario(scenario_path);
    if (scale != 1.0)
      scale_messages(s, scale);
    if (connections > 0)
      s.connections = connections;
    if (batch > 0)
      s.batch = batch;
    if (!producer.empty())
      s.producer = producer;
    if (nodes.size() == 1)
      s.cluster.nodes = nodes.front();
    check_cluster(s);
    apply_producer(s);
    if (work_dir.empty()) {
      const auto stamp = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
      work_dir = "/tmp/hookd-bench-" + s.name + "-" + std::to_string(stamp);
    }
    std::filesystem::create_directories(work_dir);
    o.work_dir = std::filesystem::absolute(work_dir).string();
    if (nodes.size() > 1 || rounds > 1) {
      if (nodes.empty())
        nodes.push_back(s.cluster.nodes);
      const auto runs = run_series(s, nodes, rounds, o, std::cout);
      bool passed = true;
      for (const auto& r : runs)
        passed = passed && r.passed();
      return passed ? 0 : 1;
    }
    auto result = run_scenario(s, o);
    print_report(result, std::cout);
    if (json_path.empty())
      json_path = o.work_dir + "/result.json";
    std::ofstream{json_path} << to_json(result).dump(2) << "\n";
    std::cout << "JSON report: " << json_path << "\n";
    return result.passed() ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "\nhookd-bench: %s\n", e.what());
    return 2;
  }
}

#include "bench/bench/series.hpp"

#include "bench/bench/report.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace hookd::bench {

namespace {

double median(std::vector<double> v) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::string setup_name(std::size_t nodes) {
  return nodes == 0 ? "1 hookd, SQLite"
                    : std::to_string(nodes) + (nodes == 1 ? " node" : " nodes") + ", PostgreSQL";
}

/// One run's figures for the table.
struct figures {
  double delivered_per_s = 0, accepted_per_s = 0, p99_ms = 0, cpu_us = 0;
  bool passed = false;
};

figures figures_of(const run_result& r) {
  figures f;
  f.delivered_per_s = r.delivered_per_s;
  f.accepted_per_s = r.accepted_per_s;
  f.p99_ms = r.total.latency.p99;
  f.cpu_us = r.total.delivered ? r.hookd_usage.cpu_s * 1e6 / static_cast<double>(r.total.delivered)
                               : 0;
  f.passed = r.passed();
  return f;
}

} // namespace

std::vector<run_result> run_series(const scenario& s, const std::vector<std::size_t>& node_counts,
                                   std::size_t rounds, const run_options& o, std::ostream& out) {
  std::vector<run_result> runs;
  std::vector<std::vector<figures>> by_setup(node_counts.size());
  for (std::size_t round = 1; round <= rounds; ++round) {
    for (std::size_t k = 0; k < node_counts.size(); ++k) {
      auto one = s;
      one.cluster.nodes = node_counts[k];
      check_cluster(one);
      auto opts = o;
      opts.work_dir = o.work_dir + "/" + std::to_string(round) + "-" + std::to_string(node_counts[k]);
      std::filesystem::create_directories(opts.work_dir);
      std::fprintf(stderr, "hookd-bench: round %zu of %zu: %s\n", round, rounds,
                   setup_name(node_counts[k]).c_str());
      auto r = run_scenario(one, opts);
      std::ofstream report{opts.work_dir + "/report.txt"};
      print_report(r, report);
      std::ofstream{opts.work_dir + "/result.json"} << to_json(r).dump(2) << "\n";
      const auto f = figures_of(r);
      by_setup[k].push_back(f);
      out << "round " << round << ", " << setup_name(node_counts[k]) << ": delivered/s "
          << fmt("%.0f", f.delivered_per_s) << ", accepted→delivered p99 " << fmt("%.1f", f.p99_ms)
          << " ms, " << fmt("%.0f", f.cpu_us) << " µs CPU per delivery, "
          << (f.passed ? "checks passed" : "SOME CHECKS FAILED") << " (" << opts.work_dir
          << "/report.txt)\n";
      runs.push_back(std::move(r));
    }
  }

  auto pick = [](const std::vector<figures>& v, double figures::*field) {
    std::vector<double> xs;
    for (const auto& f : v)
      xs.push_back(f.*field);
    return median(xs);
  };
  const double first = pick(by_setup[0], &figures::delivered_per_s);
  out << "\nMedians of " << rounds << " round(s), set-ups alternated within each round; "
      << "every process shares this machine's cores\n";
  out << "set-up                    delivered/s  ratio to first  accepted/s  p99 ms  µs CPU/delivery\n";
  for (std::size_t k = 0; k < node_counts.size(); ++k) {
    const double d = pick(by_setup[k], &figures::delivered_per_s);
    auto name = setup_name(node_counts[k]);
    name.resize(26, ' ');
    out << name << fmt("%11.0f", d) << fmt("%16.2f", first > 0 ? d / first : 0)
        << fmt("%12.0f", pick(by_setup[k], &figures::accepted_per_s))
        << fmt("%8.1f", pick(by_setup[k], &figures::p99_ms))
        << fmt("%17.0f", pick(by_setup[k], &figures::cpu_us)) << "\n";
  }
  return runs;
}

} // namespace hookd::bench

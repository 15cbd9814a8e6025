#include "bench/bench/runner.hpp"

#include "bench/bench/analysis.hpp"
#include "bench/bench/client_pool.hpp"
#include "bench/bench/hookd_nodes.hpp"
#include "bench/bench/producer.hpp"
#include "bench/bench/progress.hpp"
#include "bench/bench/receiver_process.hpp"
#include "bench/bench/setup.hpp"
#include "bench/bench/takeover.hpp"
#include "bench/bench/wrk_baseline.hpp"
#include "bench/bench/wrk_producer.hpp"
#include "bench/common/clock.hpp"
#include "policy/time_format.hpp"

#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <cstdio>
#include <iostream>
#include <thread>

namespace hookd::bench {

namespace {

using namespace std::chrono_literals;

struct hookd_stats {
  bool ok = false;
  std::int64_t pending = -1, in_flight = -1;
};

hookd_stats get_stats(std::uint16_t port) {
  hookd_stats s;
  auto r = call(port, "GET", "/v1/stats", {}, 5s);
  if (r.status != 200)
    return s;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded())
    return s;
  s.ok = true;
  s.pending = j.value("pending", std::int64_t{-1});
  s.in_flight = j.value("in_flight", std::int64_t{-1});
  return s;
}

/// Polls /v1/stats until nothing is pending or in flight (twice in a row); false on time-out.
/// `pending` is the store's (any node says it for all); `in_flight` is each node's own.
bool wait_final(const hookd_nodes& nodes, double timeout_s, std::int64_t& pending) {
  const auto deadline = steady::now() + std::chrono::milliseconds{static_cast<long>(timeout_s * 1000)};
  int quiet = 0;
  for (;;) {
    bool all_ok = true, idle = true;
    for (auto port : nodes.ports()) {
      auto s = get_stats(port);
      all_ok = all_ok && s.ok;
      if (s.ok)
        pending = s.pending;
      idle = idle && s.pending == 0 && s.in_flight == 0;
    }
    quiet = all_ok && idle ? quiet + 1 : 0;
    if (quiet >= 2)
      return true;
    if (steady::now() >= deadline)
      return false;
    std::this_thread::sleep_for(250ms);
  }
}

void sleep_s(double s) {
  if (s > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds{static_cast<long>(s * 1000)});
}

double cpu_self_s() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void note(progress& p, const std::string& text) {
  p.pause();
  std::fprintf(stderr, "hookd-bench: %s\n", text.c_str());
  p.resume();
}

} // namespace

run_result run_scenario(const scenario& s, const run_options& o) {
  run_result out;
  out.scenario = s.name;
  out.description = s.description;
  out.scenario_path = s.path;
  out.work_dir = o.work_dir;
  out.started_at = format_time(std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now()));

  receiver_process receiver{o.receiver_binary, s.path, s.receiver_threads, o.work_dir};
  proc_sampler receiver_usage;
  receiver_usage.watch(receiver.pid());

  hookd_nodes hookd{s, o};
  out.nodes = s.cluster.nodes;
  if (s.crash && !hookd.spawned())
    throw std::runtime_error("the crash scenario needs a hookd the bench starts (no --target)");
  out.hookd_command = hookd.command_line();
  std::string ports;
  for (auto port : hookd.ports())
    ports += (ports.empty() ? "" : ", ") + std::to_string(port);
  std::fprintf(stderr, "hookd-bench: %s — receiver on 127.0.0.1:%u, hookd on 127.0.0.1:%s%s\n",
               s.name.c_str(), receiver.port(), ports.c_str(),
               hookd.clustered() ? " (cluster on PostgreSQL)" : "");
  hookd.start();
  std::this_thread::sleep_for(1s); // let start-up settle before the baseline
  out.baseline_rss = hookd.sample().rss_bytes;

  registry reg{s};
  producer_counters counters;
  progress live{counters, [&hookd] { return hookd.last(); }, receiver.port()};
  live.set_hookd_port(hookd.port());

  // The phase with the most messages is the "main" one (throughput and the wrk connections).
  const std::size_t main_phase = main_phase_index(s);
  out.producer_mode = s.producer;
  std::size_t wrk_connections = s.wrk.connections;
  bool started = false;
  std::thread crasher;
  std::size_t endpoints_total = 0, deliveries_total = 0;
  std::int64_t load_start_ns = 0, load_end_ns = 0;

  for (std::size_t pi = 0; pi < s.phases.size(); ++pi) {
    const auto& spec = s.phases[pi];
    phase_result ph;
    ph.name = spec.name;
    live.set_phase(spec.name);
    if (!spec.create.empty()) {
      live.set_phase(spec.name + " setup");
      auto r = create_endpoints(s, spec.create, reg, hookd.port(), receiver.port());
      ph.endpoints_created = r.created;
      ph.setup_s = r.seconds;
      endpoints_total += r.created;
      note(live, "phase " + spec.name + ": created " + std::to_string(r.created) +
                     " endpoints in " + std::to_string(r.seconds) + " s");
      live.set_phase(spec.name);
    }
    if (spec.messages > 0) {
      if (!started) {
        receiver.mark_start();
        started = true;
        load_start_ns = realtime_ns();
        if (s.crash) {
          crasher = std::thread([&, c = *s.crash] {
            const auto t0 = steady::now();
            for (double t : c.at_s) {
              std::this_thread::sleep_until(t0 + std::chrono::milliseconds{static_cast<long>(t * 1000)});
              const auto killed_ns = realtime_ns();
              hookd.kill9(c.node);
              ++out.kills;
              note(live, "kill -9 hookd node " + std::to_string(c.node + 1) + " at " +
                             std::to_string(t) + " s");
              if (!c.restart) {
                live.set_hookd_port(hookd.port());
                measure_takeover(hookd, c.node, killed_ns, t, out.takeover);
                note(live, out.takeover.partitions_s
                               ? "the other nodes own all partitions " +
                                     std::to_string(*out.takeover.partitions_s) + " s after the kill"
                               : std::string{"the other nodes did not take over within 60 s"});
                break; // it stays down: later kills would hit the same node
              }
              sleep_s(c.restart_after_s);
              hookd.restart(c.node, 120s);
              note(live, "hookd restarted (pid " + std::to_string(hookd.node(c.node).pid()) + ")");
            }
          });
        }
      } else if (pi == main_phase) {
        receiver.mark_start(); // connection peak of the main phase only
      }
      const auto plan = message_plan(s, spec, reg);
      const auto before = counters.accepted.load();
      const auto phase_no = static_cast<std::uint16_t>(pi);
      if (spec.by_wrk)
        live.set_phase(spec.name + " (wrk)");
      auto r = spec.by_wrk ? produce_with_wrk(s, phase_no, plan, reg, hookd.port(), spec.timeout_s,
                                              o.work_dir, counters, out.wrk_producer)
                           : produce(s, phase_no, plan, spec.rate, reg, hookd.ports(), counters);
      if (spec.by_wrk) {
        out.wrk_producer.phase = spec.name;
        note(live, "phase " + spec.name + ": wrk posted " +
                       std::to_string(out.wrk_producer.issued) + " messages, " +
                       std::to_string(out.wrk_producer.accepted) + " accepted");
      }
      ph.messages = plan.size();
      ph.accepted = counters.accepted.load() - before;
      ph.first_sent_ns = r.first_sent_ns;
      ph.last_accept_ns = r.last_accept_ns;
      ph.produce_s = seconds_between(r.first_sent_ns, r.last_accept_ns);
      ph.accepted_per_s = ph.produce_s > 0 ? static_cast<double>(ph.accepted) / ph.produce_s : 0;
      deliveries_total += ph.accepted;
      if (pi == main_phase && crasher.joinable())
        crasher.join();
    }
    const auto settle_start = realtime_ns();
    if (spec.wait_final) {
      live.set_phase(spec.name + " settle");
      ph.settled = wait_final(hookd, spec.timeout_s, ph.pending);
      if (!ph.settled)
        note(live, "phase " + spec.name + ": not final after " + std::to_string(spec.timeout_s) +
                       " s (pending " + std::to_string(ph.pending) + ")");
    }
    ph.settle_s = seconds_between(settle_start, realtime_ns());
    if (pi == main_phase && s.wrk.connections == 0)
      wrk_connections = static_cast<std::size_t>(receiver.stats().value("connections_peak", 1));
    live.set_phase(spec.name + " idle");
    sleep_s(spec.sleep_after_s);
    if (auto st = get_stats(hookd.port()); st.ok)
      ph.pending = st.pending;
    ph.rss_bytes = hookd.sample().rss_bytes;
    ph.endpoints_total = endpoints_total;
    ph.deliveries_total = deliveries_total;
    load_end_ns = realtime_ns();
    out.phases.push_back(ph);
  }
  if (crasher.joinable())
    crasher.join();
  out.load_wall_s = seconds_between(load_start_ns, load_end_ns);

  live.set_phase("analysis");
  auto records = receiver.dump();
  note(live, "receiver recorded " + std::to_string(records.size()) + " requests");
  const auto obs = observe(s, reg, records);
  records.clear();
  records.shrink_to_fit();
  auto missing = undelivered(reg, obs);
  std::vector<std::size_t> looked_up;
  if (missing.size() <= s.verify_limit) {
    looked_up = missing;
  } else {
    const double step = static_cast<double>(missing.size()) / static_cast<double>(s.verify_limit);
    for (std::size_t k = 0; k < s.verify_limit; ++k)
      looked_up.push_back(missing[static_cast<std::size_t>(static_cast<double>(k) * step)]);
    note(live, std::to_string(missing.size()) + " undelivered messages; looking up a sample of " +
                   std::to_string(looked_up.size()));
  }
  const auto states = query_messages(reg, looked_up, hookd.port(), s.setup_connections);
  std::vector<std::uint32_t> endpoints;
  const bool all_endpoints = reg.endpoints.size() <= 20000;
  for (std::uint32_t i = 0; i < reg.endpoints.size(); ++i) {
    const auto& g = s.groups[reg.endpoints[i].group];
    if (!reg.endpoints[i].hookd_id.empty() &&
        (all_endpoints || g.expect_disabled_reason || g.expect_enabled))
      endpoints.push_back(i);
  }
  const auto ep_states = query_endpoints(reg, endpoints, hookd.port(), s.setup_connections);
  tally_up(s, reg, obs, looked_up, states, endpoints, ep_states, out);
  if (out.takeover.measured)
    tally_stranded(reg, obs, out.takeover);

  // Delivered/s per phase: deliveries of its messages / (first post → last first success).
  for (std::size_t pi = 0; pi < out.phases.size(); ++pi) {
    auto& ph = out.phases[pi];
    std::size_t delivered = 0;
    for (std::size_t i = 0; i < reg.messages.size(); ++i) {
      if (reg.messages[i].phase != pi || obs.by_seq[i].oks == 0)
        continue;
      ++delivered;
      ph.last_delivery_ns = std::max(ph.last_delivery_ns, obs.by_seq[i].first_ok_ns);
    }
    if (delivered > 0 && ph.last_delivery_ns > ph.first_sent_ns)
      ph.delivered_per_s =
          static_cast<double>(delivered) / seconds_between(ph.first_sent_ns, ph.last_delivery_ns);
  }
  out.accepted_per_s = out.phases[main_phase].accepted_per_s;
  out.delivered_per_s = out.phases[main_phase].delivered_per_s;
  for (std::size_t pi = 0; pi < out.phases.size(); ++pi)
    if (pi == main_phase || s.phases[pi].by_wrk)
      out.by_producer.push_back({s.phases[pi].by_wrk ? "wrk" : "builtin", out.phases[pi].name,
                                 out.phases[pi].accepted_per_s, out.phases[pi].delivered_per_s,
                                 s.phases[pi].by_wrk ? out.wrk_producer.cpu_s : -1.0});

  out.producer = {{"posted", counters.posted.load()},       {"accepted", counters.accepted.load()},
                  {"429", counters.throttled.load()},       {"503", counters.unavailable.load()},
                  {"refused", counters.refused.load()},     {"unanswered", counters.unanswered.load()},
                  {"in_doubt", counters.in_doubt.load()},   {"409_disabled", counters.disabled.load()},
                  {"rejected", counters.rejected.load()}};
  out.rejected_by_status = counters.rejected_by_status;
  out.first_rejection = counters.first_rejection;
  const auto receiver_stats = receiver.stats();
  for (auto it = receiver_stats.begin(); it != receiver_stats.end(); ++it)
    if (it->is_number())
      out.receiver[it.key()] = it->get<double>();

  live.set_phase("stopping");
  out.hookd_usage = hookd.sample();
  out.hookd_exit = hookd.terminate();
  out.receiver_usage = receiver_usage.sample();
  out.bench_cpu_s = cpu_self_s();
  live.pause();

  if (o.wrk && s.wrk.enabled) {
    std::fprintf(stderr, "hookd-bench: wrk baseline, %zu connections, %.0f s\n", wrk_connections,
                 s.wrk.duration_s);
    out.wrk = run_wrk(receiver.port(), wrk_connections, s.wrk.duration_s, s.payload_bytes,
                      o.work_dir);
    if (out.wrk.ran && wrk_connections != 64)
      out.wrk_c64 = run_wrk(receiver.port(), 64, s.wrk.duration_s, s.payload_bytes, o.work_dir);
  } else {
    out.wrk.skipped = "disabled for this run";
  }
  receiver.quit();
  check_expectations(s, out);
  return out;
}

} // namespace hookd::bench

#include "bench/bench/report.hpp"

#include <cstdio>
#include <string>

namespace hookd::bench {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

namespace {

std::string count(std::size_t v) {
  const auto digits = std::to_string(v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string mib(std::int64_t bytes) {
  return fmt("%.1f", static_cast<double>(bytes) / 1048576.0);
}

/// `s` right-aligned in `w` columns, then a blank.
std::string cell(const std::string& s, std::size_t w) {
  std::string out;
  if (s.size() < w)
    out.append(w - s.size(), ' ');
  out.append(s);
  out.push_back(' ');
  return out;
}

/// `s` left-aligned in `w` columns, then a blank.
std::string left(const std::string& s, std::size_t w) {
  std::string out{s};
  if (s.size() < w)
    out.append(w - s.size(), ' ');
  out.push_back(' ');
  return out;
}

std::string opt_s(const std::optional<double>& v) {
  return v ? fmt("%.1f", *v) : "-";
}

void tally_row(std::ostream& out, const std::string& name, const tally& t) {
  out << left(name, 10) << cell(count(t.endpoints), 9) << cell(count(t.accepted), 10)
      << cell(count(t.delivered), 10) << cell(count(t.first_try), 10)
      << cell(count(t.exhausted), 9) << cell(count(t.endpoint_disabled), 8)
      << cell(count(t.pending), 9) << cell(count(t.lost), 5) << cell(count(t.duplicates), 6)
      << cell(fmt("%.2f", t.attempts_per_delivery()), 6) << cell(count(t.max_attempts), 4)
      << cell(fmt("%.1f", t.latency.p50), 7) << cell(fmt("%.1f", t.latency.p90), 7)
      << cell(fmt("%.1f", t.latency.p99), 7) << cell(fmt("%.1f", t.latency.p999), 7)
      << cell(t.looked_up ? std::to_string(t.ep_enabled) + "/" + std::to_string(t.ep_gone) + "/" +
                                std::to_string(t.ep_failing)
                          : "-",
              12)
      << "\n";
}

nlohmann::json percentiles_json(const percentiles& p) {
  return nlohmann::json{{"n", p.n},      {"p50", p.p50},     {"p90", p.p90},
                        {"p99", p.p99}, {"p99_9", p.p999}, {"max", p.max}};
}

nlohmann::json tally_json(const tally& t) {
  return nlohmann::json{
      {"endpoints", t.endpoints},
      {"accepted", t.accepted},
      {"delivered", t.delivered},
      {"delivered_first_attempt", t.first_try},
      {"exhausted", t.exhausted},
      {"disabled", t.endpoint_disabled},
      {"deleted", t.endpoint_deleted},
      {"pending", t.pending},
      {"lost", t.lost},
      {"unverified", t.unverified},
      {"in_doubt", t.in_doubt},
      {"duplicates", t.duplicates},
      {"misrouted", t.misrouted},
      {"invalid_signatures", t.bad_signature},
      {"receiver_requests", t.requests},
      {"attempts_per_delivery", t.attempts_per_delivery()},
      {"max_attempts", t.max_attempts},
      {"delivered_after_attempts", t.attempts_hist},
      {"latency_ms", percentiles_json(t.latency)},
      {"posted_latency_ms", percentiles_json(t.posted_latency)},
      {"delivered_before_202", t.before_202},
      {"endpoint_states",
       {{"looked_up", t.looked_up},
        {"enabled", t.ep_enabled},
        {"disabled_gone", t.ep_gone},
        {"disabled_failing", t.ep_failing},
        {"disabled_other", t.ep_manual}}},
      {"disable_after_first_failure_s",
       {{"min", t.disable_after_min_s ? nlohmann::json(*t.disable_after_min_s) : nlohmann::json()},
        {"max", t.disable_after_max_s ? nlohmann::json(*t.disable_after_max_s) : nlohmann::json()}}},
  };
}

void print_takeover(const takeover_result& t, std::ostream& out) {
  if (!t.measured)
    return;
  auto seconds = [](const std::optional<double>& s) {
    return s ? fmt("%.2f", *s) + " s" : std::string{"never"};
  };
  out << "takeover: node " << t.node << " of " << t.nodes << " killed at "
      << fmt("%.1f", t.killed_at_s) << " s and left down; the others owned all 256 partitions "
      << seconds(t.partitions_s) << " after the kill; " << count(t.stranded)
      << " deliveries held up by it (accepted before then, delivered over 0.5 s late), "
      << count(t.stranded_delivered) << " of them delivered, the last "
      << seconds(t.stranded_last_s) << " after the kill\n";
}

nlohmann::json takeover_json(const takeover_result& t) {
  if (!t.measured)
    return nullptr;
  auto seconds = [](const std::optional<double>& s) { return s ? nlohmann::json(*s) : nlohmann::json(); };
  return {{"node", t.node},
          {"nodes", t.nodes},
          {"killed_at_s", t.killed_at_s},
          {"partitions_s", seconds(t.partitions_s)},
          {"stranded", t.stranded},
          {"stranded_delivered", t.stranded_delivered},
          {"stranded_last_s", seconds(t.stranded_last_s)}};
}

} // namespace

void print_report(const run_result& r, std::ostream& out) {
  out << "\n== hookd-bench: " << r.scenario << " ==\n";
  if (!r.description.empty())
    out << r.description << "\n";
  out << "scenario " << r.scenario_path << ", started " << r.started_at << ", work dir "
      << r.work_dir << "\n";
  out << "hookd: " << r.hookd_command << "\n\n";

  out << "Phases (memory: hookd RSS at the end of the phase; baseline "
      << mib(r.baseline_rss) << " MiB once ready)\n"
      << left("phase", 14) << cell("endpoints", 10) << cell("setup s", 8) << cell("accepted", 10)
      << cell("accepted/s", 11) << cell("delivered/s", 12) << cell("settle s", 9)
      << cell("pending", 10) << cell("RSS MiB", 8) << cell("(RSS-base)/ep B", 16)
      << cell("dRSS/new delivery B", 20) << "\n";
  std::int64_t prev_rss = r.baseline_rss;
  std::size_t prev_deliveries = 0;
  for (const auto& p : r.phases) {
    const auto d_del = p.deliveries_total - prev_deliveries;
    out << left(p.name, 14) << cell(count(p.endpoints_created), 10) << cell(fmt("%.1f", p.setup_s), 8)
        << cell(count(p.accepted), 10) << cell(fmt("%.0f", p.accepted_per_s), 11)
        << cell(fmt("%.0f", p.delivered_per_s), 12)
        << cell(p.settled ? fmt("%.1f", p.settle_s) : "timeout", 9)
        << cell(p.pending >= 0 ? count(static_cast<std::size_t>(p.pending)) : "?", 10)
        << cell(mib(p.rss_bytes), 8)
        << cell(p.endpoints_total > 0
                    ? fmt("%.0f", static_cast<double>(p.rss_bytes - r.baseline_rss) /
                                      static_cast<double>(p.endpoints_total))
                    : "-",
                16)
        << cell(d_del > 0 ? fmt("%.0f", static_cast<double>(p.rss_bytes - prev_rss) /
                                            static_cast<double>(d_del))
                          : "-",
                20)
        << "\n";
    prev_rss = p.rss_bytes;
    prev_deliveries = p.deliveries_total;
  }

  out << "\nDeliveries (latency: accepted → receiver, first-attempt successes, ms; "
         "endpoints enabled/gone/failing)\n"
      << left("group", 10) << cell("endpoints", 9) << cell("accepted", 10) << cell("delivered", 10)
      << cell("1st try", 10) << cell("exhausted", 9) << cell("disabled", 8) << cell("pending", 9)
      << cell("lost", 5) << cell("dup", 6) << cell("att/d", 6) << cell("max", 4)
      << cell("p50", 7) << cell("p90", 7) << cell("p99", 7) << cell("p99.9", 7)
      << cell("ep e/g/f", 12) << "\n";
  for (std::size_t g = 0; g < r.groups.size(); ++g)
    tally_row(out, r.group_names[g], r.groups[g]);
  tally_row(out, "total", r.total);
  for (std::size_t g = 0; g < r.groups.size(); ++g)
    if (r.groups[g].disable_after_min_s)
      out << "  " << r.group_names[g] << ": disabled " << opt_s(r.groups[g].disable_after_min_s)
          << "–" << opt_s(r.groups[g].disable_after_max_s) << " s after its first failure; "
          << count(r.groups[g].requests) << " requests reached the receiver for its "
          << count(r.groups[g].endpoints) << " endpoints\n";

  const auto& t = r.total;
  out << "\nThroughput: accepted " << fmt("%.0f", r.accepted_per_s) << "/s, delivered "
      << fmt("%.0f", r.delivered_per_s) << "/s (main message phase)\n";
  if (r.wrk.ran)
    out << "wrk (" << r.wrk.command << "): " << fmt("%.0f", r.wrk.requests_per_s)
        << " req/s → hookd delivered/s = " << fmt("%.3f", r.delivered_per_s / r.wrk.requests_per_s)
        << " × wrk\n";
  else
    out << "wrk: " << r.wrk.skipped << "\n";
  if (r.wrk_c64.ran)
    out << "wrk reference at -c64: " << fmt("%.0f", r.wrk_c64.requests_per_s)
        << " req/s → hookd delivered/s = "
        << fmt("%.3f", r.delivered_per_s / r.wrk_c64.requests_per_s) << " × wrk -c64\n";
  if (r.producer_mode != "builtin") {
    out << "Throughput by producer (main phase; ratio: delivered/s ÷ wrk's req/s at the "
           "receiver)\n";
    for (const auto& f : r.by_producer) {
      out << "  " << left(f.producer == "wrk" ? "wrk-produced" : "hookd-bench-produced", 21)
          << "phase " << left(f.phase, 12) << "accepted " << fmt("%.0f", f.accepted_per_s)
          << "/s, delivered " << fmt("%.0f", f.delivered_per_s) << "/s";
      if (r.wrk.ran)
        out << ", " << fmt("%.3f", f.delivered_per_s / r.wrk.requests_per_s) << " × wrk";
      if (r.wrk_c64.ran)
        out << ", " << fmt("%.3f", f.delivered_per_s / r.wrk_c64.requests_per_s) << " × wrk -c64";
      if (f.producer_cpu_s >= 0)
        out << "; wrk's CPU " << fmt("%.1f", f.producer_cpu_s) << " s";
      out << "\n";
    }
    const auto& w = r.wrk_producer;
    if (w.ran) {
      out << "  wrk producer (" << w.command << "): posted " << count(w.issued) << ", 202 "
          << count(w.accepted) << ", re-posted after 429/503 "
          << count(w.retried_429 + w.retried_503)
          << ", other final statuses";
      for (const auto& [status, n] : w.rejected)
        out << " " << status << "×" << count(n);
      out << (w.rejected.empty() ? " none" : "") << ", socket errors "
          << count(w.errors_connect + w.errors_read + w.errors_write) << ", time-outs "
          << count(w.errors_timeout) << "\n";
    }
  }
  out << "Latency accepted→delivered (first-attempt successes, n=" << count(t.latency.n)
      << "): p50 " << fmt("%.2f", t.latency.p50) << " ms, p90 " << fmt("%.2f", t.latency.p90)
      << " ms, p99 " << fmt("%.2f", t.latency.p99) << " ms, p99.9 " << fmt("%.2f", t.latency.p999)
      << " ms, max " << fmt("%.2f", t.latency.max) << " ms; " << count(t.before_202)
      << " arrived before the producer read the 202 (counted as 0)\n";
  if (t.posted_latency.n == 0)
    out << "Latency posted→delivered: not measured (wrk-produced messages have no posted time)\n";
  else
    out << "Latency posted→delivered (POST written → receiver"
        << (r.producer_mode == "builtin" ? "" : "; hookd-bench-produced messages only")
        << ", n=" << count(t.posted_latency.n) << "): p50 "
        << fmt("%.2f", t.posted_latency.p50) << " ms, p90 " << fmt("%.2f", t.posted_latency.p90)
      << " ms, p99 " << fmt("%.2f", t.posted_latency.p99) << " ms, p99.9 "
      << fmt("%.2f", t.posted_latency.p999) << " ms, max " << fmt("%.2f", t.posted_latency.max)
      << " ms\n";
  out << "Attempts per delivered delivery: " << fmt("%.3f", t.attempts_per_delivery())
      << " (after 1/2/3/4/5/6+ attempts:";
  for (auto n : t.attempts_hist)
    out << " " << count(n);
  out << "), max attempts on one delivery " << t.max_attempts << "\n";
  const double cpu_per_delivery =
      t.delivered ? r.hookd_usage.cpu_s * 1e6 / static_cast<double>(t.delivered) : 0;
  out << "hookd: peak RSS " << mib(r.hookd_usage.peak_bytes) << " MiB, CPU "
      << fmt("%.1f", r.hookd_usage.cpu_s) << " s (" << fmt("%.0f", cpu_per_delivery)
      << " µs per delivered delivery, setup and polling included)";
  if (r.load_wall_s > 0)
    out << ", " << fmt("%.0f", 100.0 * r.hookd_usage.cpu_s / r.load_wall_s)
        << "% of one core over " << fmt("%.1f", r.load_wall_s) << " s";
  out << "; exit " << (r.hookd_exit ? std::to_string(*r.hookd_exit) : "-") << "\n";
  out << "receiver: CPU " << fmt("%.1f", r.receiver_usage.cpu_s) << " s, peak RSS "
      << mib(r.receiver_usage.peak_bytes) << " MiB; bench itself: CPU "
      << fmt("%.1f", r.bench_cpu_s) << " s\n";
  out << "producers:";
  for (const auto& [k, v] : r.producer)
    out << " " << k << " " << count(v) << ",";
  out << " unknown ids at receiver " << r.unknown_ids;
  if (r.kills)
    out << ", kill -9 ×" << r.kills;
  out << "\n";
  if (!r.first_rejection.empty())
    out << "first rejection: " << r.first_rejection << "\n";
  print_takeover(r.takeover, out);
  out << "\nChecks\n";
  for (const auto& c : r.checks)
    out << (c.pass ? "  PASS  " : "  FAIL  ") << c.what << " — " << c.detail << "\n";
  out << (r.passed() ? "ALL CHECKS PASSED\n" : "SOME CHECKS FAILED\n");
}

nlohmann::json to_json(const run_result& r) {
  nlohmann::json phases = nlohmann::json::array();
  for (const auto& p : r.phases)
    phases.push_back({{"name", p.name},
                      {"endpoints_created", p.endpoints_created},
                      {"setup_s", p.setup_s},
                      {"messages", p.messages},
                      {"accepted", p.accepted},
                      {"produce_s", p.produce_s},
                      {"accepted_per_s", p.accepted_per_s},
                      {"delivered_per_s", p.delivered_per_s},
                      {"settle_s", p.settle_s},
                      {"settled", p.settled},
                      {"pending", p.pending},
                      {"rss_bytes", p.rss_bytes},
                      {"endpoints_total", p.endpoints_total},
                      {"deliveries_total", p.deliveries_total}});
  nlohmann::json groups = nlohmann::json::object();
  for (std::size_t g = 0; g < r.groups.size(); ++g)
    groups[r.group_names[g]] = tally_json(r.groups[g]);
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : r.checks)
    checks.push_back({{"check", c.what}, {"pass", c.pass}, {"detail", c.detail}});
  nlohmann::json rejected = nlohmann::json::object();
  for (const auto& [s, n] : r.rejected_by_status)
    rejected[std::to_string(s)] = n;
  auto ratio = [](double v, const wrk_result& w) {
    return w.ran && w.requests_per_s > 0 ? nlohmann::json(v / w.requests_per_s) : nlohmann::json();
  };
  nlohmann::json by_producer = nlohmann::json::array();
  for (const auto& f : r.by_producer)
    by_producer.push_back({{"producer", f.producer},
                           {"phase", f.phase},
                           {"accepted_per_s", f.accepted_per_s},
                           {"delivered_per_s", f.delivered_per_s},
                           {"ratio_wrk", ratio(f.delivered_per_s, r.wrk)},
                           {"ratio_wrk_c64", ratio(f.delivered_per_s, r.wrk_c64)},
                           {"producer_cpu_s", f.producer_cpu_s >= 0
                                                  ? nlohmann::json(f.producer_cpu_s)
                                                  : nlohmann::json()}});
  nlohmann::json wrk_producer; // null unless wrk posted a phase
  if (const auto& w = r.wrk_producer; w.ran) {
    nlohmann::json rejected_statuses = nlohmann::json::object();
    for (const auto& [status, n] : w.rejected)
      rejected_statuses[std::to_string(status)] = n;
    wrk_producer = {{"command", w.command},
                    {"phase", w.phase},
                    {"connections", w.connections},
                    {"issued", w.issued},
                    {"accepted", w.accepted},
                    {"ids_read", w.ids_read},
                    {"unmatched", w.unmatched},
                    {"retried_429", w.retried_429},
                    {"retried_503", w.retried_503},
                    {"rejected_by_status", rejected_statuses},
                    {"unanswered", w.unanswered()},
                    {"errors", {{"connect", w.errors_connect},
                                {"read", w.errors_read},
                                {"write", w.errors_write},
                                {"timeout", w.errors_timeout}}},
                    {"stopped_after_last_answer", w.stopped_itself},
                    {"cpu_s", w.cpu_s}};
  }
  return nlohmann::json{
      {"scenario", r.scenario},
      {"description", r.description},
      {"scenario_path", r.scenario_path},
      {"started_at", r.started_at},
      {"hookd_command", r.hookd_command},
      {"nodes", r.nodes},
      {"takeover", takeover_json(r.takeover)},
      {"work_dir", r.work_dir},
      {"phases", phases},
      {"groups", groups},
      {"total", tally_json(r.total)},
      {"throughput", {{"accepted_per_s", r.accepted_per_s}, {"delivered_per_s", r.delivered_per_s}}},
      {"producer", r.producer_mode},
      {"by_producer", by_producer},
      {"wrk_producer", wrk_producer},
      {"wrk",
       {{"ran", r.wrk.ran},
        {"skipped", r.wrk.skipped},
        {"command", r.wrk.command},
        {"connections", r.wrk.connections},
        {"requests_per_s", r.wrk.requests_per_s},
        {"ratio", r.wrk.ran && r.wrk.requests_per_s > 0
                      ? nlohmann::json(r.delivered_per_s / r.wrk.requests_per_s)
                      : nlohmann::json()}}},
      {"wrk_c64",
       {{"ran", r.wrk_c64.ran},
        {"command", r.wrk_c64.command},
        {"requests_per_s", r.wrk_c64.requests_per_s},
        {"ratio", r.wrk_c64.ran && r.wrk_c64.requests_per_s > 0
                      ? nlohmann::json(r.delivered_per_s / r.wrk_c64.requests_per_s)
                      : nlohmann::json()}}},
      {"hookd",
       {{"peak_rss_bytes", r.hookd_usage.peak_bytes},
        {"cpu_s", r.hookd_usage.cpu_s},
        {"exit_status", r.hookd_exit ? nlohmann::json(*r.hookd_exit) : nlohmann::json()},
        {"kills", r.kills}}},
      {"receiver",
       {{"peak_rss_bytes", r.receiver_usage.peak_bytes},
        {"cpu_s", r.receiver_usage.cpu_s},
        {"stats", r.receiver}}},
      {"bench_cpu_s", r.bench_cpu_s},
      {"load_wall_s", r.load_wall_s},
      {"baseline_rss_bytes", r.baseline_rss},
      {"producers", r.producer},
      {"rejected_by_status", rejected},
      {"unknown_ids", r.unknown_ids},
      {"checks", checks},
      {"passed", r.passed()},
  };
}

} // namespace hookd::bench

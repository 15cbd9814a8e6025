#include "bench/bench/wrk_producer.hpp"

#include "bench/bench/proc_sampler.hpp"
#include "bench/bench/process.hpp"

#include <signal.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace hookd::bench {

namespace {

using namespace std::chrono_literals;

std::string api_token(const scenario& s) {
  for (const auto& [key, value] : s.hookd_flags)
    if (key == "server.api_token")
      return value;
  return {};
}

std::uint64_t field(const std::string& line, const std::string& name) {
  const auto at = line.find(" " + name + "=");
  return at == std::string::npos ? 0 : std::stoull(line.substr(at + name.size() + 2));
}

/// The script's counters line (see bench/wrk/ingest.lua); false when wrk printed none.
bool read_counters(const std::string& stdout_path, wrk_producer_result& out,
                   std::int64_t& first_ns) {
  std::ifstream in{stdout_path};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("hookd-bench-wrk ", 0) != 0)
      continue;
    out.issued = field(line, "issued");
    out.accepted = field(line, "accepted");
    out.retried_429 = field(line, "retried_429");
    out.retried_503 = field(line, "retried_503");
    out.final_answers = field(line, "final");
    out.errors_connect = field(line, "errors_connect");
    out.errors_read = field(line, "errors_read");
    out.errors_write = field(line, "errors_write");
    out.errors_timeout = field(line, "errors_timeout");
    first_ns = static_cast<std::int64_t>(field(line, "first_s")) * 1000000000 +
               static_cast<std::int64_t>(field(line, "first_ns"));
    const auto at = line.find(" rejected=");
    std::istringstream list{line.substr(at + 10, line.find(' ', at + 1) - at - 10)};
    std::string item;
    while (std::getline(list, item, ','))
      if (const auto colon = item.find(':'); colon != std::string::npos)
        out.rejected[std::stoi(item.substr(0, colon))] += std::stoull(item.substr(colon + 1));
    return true;
  }
  return false;
}

} // namespace

std::string wrk_plan_file(const scenario& s, const std::vector<std::uint32_t>& plan,
                          const registry& reg, const std::string& token) {
  std::vector<std::uint32_t> order;
  std::unordered_map<std::uint32_t, std::size_t> count;
  for (const auto e : plan)
    if (count[e]++ == 0)
      order.push_back(e);
  std::string out = "messages " + std::to_string(plan.size()) + "\n";
  out += "pad " + std::to_string(s.payload_bytes > 40 ? s.payload_bytes - 40 : 1) + "\n";
  if (!token.empty())
    out += "token " + token + "\n";
  for (const auto e : order)
    out += "endpoint " + reg.endpoints[e].hookd_id + " " + s.groups[reg.endpoints[e].group].name +
           " " + std::to_string(count[e]) + "\n";
  return out;
}

produce_result produce_with_wrk(const scenario& s, std::uint16_t phase_no,
                                const std::vector<std::uint32_t>& plan, registry& reg,
                                std::uint16_t hookd_port, double timeout_s,
                                const std::string& work_dir, producer_counters& counters,
                                wrk_producer_result& out) {
  if (!on_path("wrk"))
    throw std::runtime_error("load.producer = wrk needs wrk: apt-get install wrk");
  const std::string script = HOOKD_BENCH_SOURCE_DIR "/bench/wrk/ingest.lua";
  const auto stem = work_dir + "/wrk-producer-" + std::to_string(phase_no);
  const auto plan_path = stem + ".plan", ids_path = stem + ".ids", done_path = ids_path + ".done";
  std::filesystem::remove(done_path);
  std::ofstream{plan_path} << wrk_plan_file(s, plan, reg, api_token(s));

  const auto seconds = std::max<long>(1, std::lround(std::ceil(timeout_s)));
  out.connections = s.connections;
  const std::vector<std::string> argv{"wrk",
                                      "-t1",
                                      "-c" + std::to_string(s.connections),
                                      "-d" + std::to_string(seconds) + "s",
                                      "--timeout",
                                      std::to_string(seconds) + "s",
                                      "-s",
                                      script,
                                      "http://127.0.0.1:" + std::to_string(hookd_port) +
                                          "/v1/messages",
                                      "--",
                                      plan_path,
                                      ids_path};
  out.command.clear();
  for (const auto& a : argv)
    out.command += (out.command.empty() ? "" : " ") + a;
  auto child = spawn_child(argv, stem + ".out", stem + ".err");

  // Until the script has every final answer (it then writes the marker and stops its thread)
  // or wrk ends by itself (its -d, the time-out). wrk's main thread sleeps out -d even after its
  // threads stopped; SIGINT ends that sleep, and wrk prints its summary and exits.
  std::optional<int> exit;
  while (!(out.stopped_itself = std::filesystem::exists(done_path))) {
    if ((exit = wait_exit(child.pid, 5ms)))
      break;
  }
  std::int64_t rss = 0, hwm = 0;
  read_proc(child.pid, rss, hwm, out.cpu_s);
  if (!exit) {
    ::kill(child.pid, SIGINT);
    exit = wait_exit(child.pid, 10s);
    if (!exit)
      kill_and_reap(child.pid);
  }

  produce_result r;
  r.first_seq = reg.messages.size();
  std::unordered_map<std::string_view, std::uint32_t> endpoint_of;
  for (std::uint32_t i = 0; i < reg.endpoints.size(); ++i)
    endpoint_of.emplace(reg.endpoints[i].hookd_id, i);
  std::ifstream ids{ids_path};
  std::string id, endpoint;
  std::int64_t sec = 0, nsec = 0;
  while (ids >> id >> endpoint >> sec >> nsec) {
    ++out.ids_read;
    const auto e = endpoint_of.find(endpoint);
    if (e == endpoint_of.end() || id.size() >= sizeof(message_entry::id)) {
      ++out.unmatched;
      continue;
    }
    auto& m = reg.messages.emplace_back();
    m.endpoint = e->second;
    m.phase = phase_no;
    id.copy(m.id, id.size());
    m.accept_ns = sec * 1000000000 + nsec;
    r.last_accept_ns = std::max(r.last_accept_ns, m.accept_ns);
  }
  r.end_seq = reg.messages.size();
  if (!read_counters(stem + ".out", out, r.first_sent_ns))
    throw std::runtime_error("wrk printed no counters (" + stem + ".out, " + stem + ".err)");
  out.ran = true;

  counters.posted += out.issued;
  counters.accepted += r.end_seq - r.first_seq;
  counters.throttled += out.retried_429;
  counters.unavailable += out.retried_503;
  counters.unanswered += out.unanswered();
  counters.in_doubt += out.unanswered();
  for (const auto& [status, n] : out.rejected) {
    if (status == 409) {
      counters.disabled += n;
      continue;
    }
    counters.rejected += n;
    counters.rejected_by_status[status] += n;
  }
  return r;
}

} // namespace hookd::bench

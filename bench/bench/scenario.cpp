#include "bench/bench/scenario.hpp"

#include "bench/common/toml_read.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

namespace hookd::bench {

namespace {

std::string resolve(const std::string& path) {
  namespace fs = std::filesystem;
  for (const auto& candidate : {path, path + ".toml", path + "/scenario.toml"})
    if (fs::is_regular_file(candidate))
      return candidate;
  throw std::runtime_error("no scenario file at " + path + " (nor " + path + ".toml)");
}

std::string flag_value(const toml::node& n, const std::string& key) {
  if (n.is_string())
    return *n.value<std::string>();
  if (n.is_integer())
    return std::to_string(*n.value<std::int64_t>());
  if (n.is_floating_point()) {
    auto s = std::to_string(*n.value<double>());
    return s;
  }
  if (n.is_boolean())
    return *n.value<bool>() ? "true" : "false";
  if (auto* a = n.as_array()) {
    std::string out;
    for (auto& item : *a)
      out += (out.empty() ? "" : ",") + flag_value(item, key);
    return out;
  }
  throw std::runtime_error("hookd." + key + ": unsupported value type");
}

void check_groups(const scenario& s, const std::vector<std::string>& names,
                  const std::string& where) {
  for (const auto& n : names)
    if (!s.group(n))
      throw std::runtime_error(where + ": unknown group \"" + n + "\"");
}

phase_spec parse_phase(const toml::table& t, std::size_t i, const scenario& s) {
  toml_reader r{t, "phases[" + std::to_string(i) + "]"};
  r.only({"name", "create", "targets", "messages", "rate", "duration", "wait", "timeout",
          "sleep_after"});
  phase_spec p;
  p.name = r.string("name").value_or("phase" + std::to_string(i + 1));
  r.where = "phases." + p.name;
  if (auto c = r.strings("create"))
    p.create = *c;
  if (auto c = r.strings("targets"))
    p.targets = *c;
  check_groups(s, p.create, r.where + ".create");
  check_groups(s, p.targets, r.where + ".targets");
  p.rate = r.number("rate").value_or(0);
  p.duration_s = r.seconds("duration").value_or(0);
  if (auto m = r.integer("messages")) {
    if (*m < 0)
      r.fail("messages", "must be >= 0");
    p.messages = static_cast<std::size_t>(*m);
  } else if (p.rate > 0 && p.duration_s > 0) {
    p.messages = static_cast<std::size_t>(std::llround(p.rate * p.duration_s));
  }
  if (auto w = r.string("wait")) {
    if (*w == "final")
      p.wait_final = true;
    else if (*w == "none")
      p.wait_final = false;
    else
      r.fail("wait", "must be \"final\" or \"none\"");
  }
  p.timeout_s = r.seconds("timeout").value_or(180);
  p.sleep_after_s = r.seconds("sleep_after").value_or(0);
  return p;
}

} // namespace

const endpoint_group* scenario::group(const std::string& n) const {
  for (const auto& g : groups)
    if (g.name == n)
      return &g;
  return nullptr;
}

std::size_t scenario::group_index(const std::string& n) const {
  for (std::size_t i = 0; i < groups.size(); ++i)
    if (groups[i].name == n)
      return i;
  return groups.size();
}

scenario load_scenario(const std::string& path) {
  scenario s;
  s.path = resolve(path);
  toml::table root;
  try {
    root = toml::parse_file(s.path);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(s.path + ": " + std::string{e.description()});
  }
  toml_reader r{root, "scenario"};
  r.only({"name", "description", "hookd_config", "hookd", "receiver", "load", "groups", "phases", "crash", "wrk",
          "expect", "cluster"});
  s.name = r.string("name").value_or(std::filesystem::path{s.path}.stem().string());
  s.description = r.string("description").value_or("");
  if (auto c = r.string("hookd_config")) {
    std::filesystem::path p{*c};
    if (p.is_relative())
      p = std::filesystem::path{s.path}.parent_path() / p;
    s.hookd_config = std::filesystem::absolute(p).string();
  }
  if (!s.hookd_config.empty())
    s.hookd_flags.emplace_back("config", s.hookd_config);
  if (auto* h = r.subtable("hookd"))
    for (auto& [k, v] : *h)
      s.hookd_flags.emplace_back(std::string{k.str()}, flag_value(v, std::string{k.str()}));
  if (auto* rx = r.subtable("receiver")) {
    toml_reader x{*rx, "receiver"};
    x.only({"threads"});
    s.receiver_threads = static_cast<int>(x.integer("threads").value_or(1));
  }
  if (auto* l = r.subtable("load")) {
    toml_reader x{*l, "load"};
    x.only({"connections", "setup_connections", "payload_bytes", "idempotency_keys",
            "verify_limit", "batch", "producer"});
    s.connections = static_cast<std::size_t>(x.integer("connections").value_or(16));
    s.setup_connections = static_cast<std::size_t>(x.integer("setup_connections").value_or(8));
    s.payload_bytes = static_cast<std::size_t>(x.integer("payload_bytes").value_or(512));
    s.idempotency_keys = x.boolean("idempotency_keys").value_or(false);
    s.verify_limit = static_cast<std::size_t>(x.integer("verify_limit").value_or(200000));
    s.batch = static_cast<std::size_t>(x.integer("batch").value_or(1));
    if (s.batch < 1 || s.batch > 1000)
      x.fail("batch", "must be 1–1000");
    s.producer = x.string("producer").value_or("builtin");
    if (s.connections < 1 || s.setup_connections < 1)
      x.fail("connections", "must be >= 1");
  }
  s.groups = parse_groups_table(root);
  if (auto* arr = root.get_as<toml::array>("phases")) {
    for (std::size_t i = 0; i < arr->size(); ++i) {
      auto* t = (*arr)[i].as_table();
      if (!t)
        throw std::runtime_error("phases[" + std::to_string(i) + "] must be a table");
      s.phases.push_back(parse_phase(*t, i, s));
    }
  }
  if (s.phases.empty())
    throw std::runtime_error("the scenario has no [[phases]]");
  // Defaults: a phase creates every group no earlier phase created; targets every created group.
  std::set<std::string> created;
  for (auto& p : s.phases) {
    if (p.create.empty() && created.empty())
      for (const auto& g : s.groups)
        p.create.push_back(g.name);
    created.insert(p.create.begin(), p.create.end());
    if (p.targets.empty())
      p.targets.assign(created.begin(), created.end());
    for (const auto& t : p.targets)
      if (!created.count(t))
        throw std::runtime_error("phases." + p.name + ": target \"" + t +
                                 "\" is not created by this or an earlier phase");
  }
  if (auto* c = r.subtable("crash")) {
    toml_reader x{*c, "crash"};
    x.only({"at", "restart_after", "restart", "node"});
    crash_spec cs;
    for (const auto& a : x.strings("at").value_or(std::vector<std::string>{}))
      cs.at_s.push_back(parse_seconds(a, "crash.at"));
    cs.restart_after_s = x.seconds("restart_after").value_or(0.5);
    cs.restart = x.boolean("restart").value_or(true);
    const auto node = x.integer("node").value_or(1);
    if (node < 1)
      x.fail("node", "must be >= 1 (the first node is 1)");
    cs.node = static_cast<std::size_t>(node - 1);
    s.crash = cs;
  }
  if (auto* c = r.subtable("cluster")) {
    toml_reader x{*c, "cluster"};
    x.only({"nodes"});
    const auto nodes = x.integer("nodes").value_or(0);
    if (nodes < 0 || nodes > 16)
      x.fail("nodes", "must be 0 (one hookd on SQLite) to 16");
    s.cluster.nodes = static_cast<std::size_t>(nodes);
  }
  if (auto* w = r.subtable("wrk")) {
    toml_reader x{*w, "wrk"};
    x.only({"enabled", "duration", "connections"});
    s.wrk.enabled = x.boolean("enabled").value_or(true);
    s.wrk.duration_s = x.seconds("duration").value_or(5);
    s.wrk.connections = static_cast<std::size_t>(x.integer("connections").value_or(0));
  }
  if (auto* e = r.subtable("expect")) {
    toml_reader x{*e, "expect"};
    x.only({"lost", "duplicates_max", "invalid_signatures", "settled"});
    s.expect.lost = static_cast<std::size_t>(x.integer("lost").value_or(0));
    if (auto d = x.integer("duplicates_max"))
      s.expect.duplicates_max = static_cast<std::size_t>(*d);
    s.expect.invalid_signatures =
        static_cast<std::size_t>(x.integer("invalid_signatures").value_or(0));
    s.expect.settled = x.boolean("settled").value_or(true);
  }
  return s;
}

void check_cluster(const scenario& s) {
  if (!s.crash)
    return;
  const auto nodes = std::max<std::size_t>(1, s.cluster.nodes);
  if (s.crash->node >= nodes)
    throw std::runtime_error("crash.node = " + std::to_string(s.crash->node + 1) + ", but the run has " +
                             std::to_string(nodes) + " hookd node(s)");
  if (!s.crash->restart && nodes < 2)
    throw std::runtime_error("crash.restart = false needs a cluster of at least 2 nodes to take over");
}

void scale_messages(scenario& s, double factor) {
  for (auto& p : s.phases)
    p.messages = static_cast<std::size_t>(std::llround(static_cast<double>(p.messages) * factor));
}

std::size_t main_phase_index(const scenario& s) {
  std::size_t main = 0;
  for (std::size_t i = 0; i < s.phases.size(); ++i)
    if (s.phases[i].messages > s.phases[main].messages)
      main = i;
  return main;
}

void apply_producer(scenario& s) {
  if (s.producer == "builtin")
    return;
  if (s.producer != "wrk" && s.producer != "both")
    throw std::runtime_error("load.producer must be \"builtin\", \"wrk\" or \"both\", not \"" +
                             s.producer + "\"");
  const auto main = main_phase_index(s);
  const auto& p = s.phases[main];
  auto refuse = [&](const std::string& why) {
    throw std::runtime_error("load.producer = \"" + s.producer + "\": the wrk producer " + why);
  };
  if (s.crash)
    refuse("cannot survive hookd's restarts ([crash])");
  if (s.cluster.nodes > 1)
    refuse("posts to one address (cluster.nodes must be 0 or 1)");
  if (s.batch > 1)
    refuse("posts single messages (load.batch must be 1)");
  if (s.idempotency_keys)
    refuse("sends no Idempotency-Key (load.idempotency_keys must be false)");
  if (p.rate > 0)
    refuse("posts as fast as hookd answers (phase " + p.name + " has a rate)");
  if (p.messages == 0)
    refuse("needs a phase with messages");
  if (s.producer == "wrk") {
    s.phases[main].by_wrk = true;
    return;
  }
  phase_spec copy = p;
  copy.name += "-wrk";
  copy.create.clear();
  copy.by_wrk = true;
  s.phases.insert(s.phases.begin() + static_cast<std::ptrdiff_t>(main) + 1, copy);
}

} // namespace hookd::bench

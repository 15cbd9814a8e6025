#include "bench/bench/hookd_nodes.hpp"

#include "bench/bench/client_pool.hpp"
#include "bench/bench/runner.hpp"
#include "bench/common/clock.hpp"
#include "tests/support/postgres_server.hpp"

#include <nlohmann/json.hpp>
#include <signal.h>

#include <stdexcept>
#include <thread>

namespace hookd::bench {

namespace {

constexpr int partitions = 256; // policy/cluster_partition.hpp

/// The partitions the node on `port` owns, per its GET /v1/cluster; nullopt when it does not
/// answer.
std::optional<int> partitions_owned(std::uint16_t port) {
  auto r = call(port, "GET", "/v1/cluster", {}, std::chrono::milliseconds{1000});
  if (r.status != 200)
    return std::nullopt;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.contains("partitions_owned"))
    return std::nullopt;
  return j["partitions_owned"].get<int>();
}

/// The nodes' readings summed (peak: the sum of each node's peak).
template <class Read>
proc_usage add_up(const std::vector<std::unique_ptr<proc_sampler>>& samplers, Read read) {
  proc_usage total;
  for (const auto& u : samplers) {
    const auto one = read(*u);
    total.rss_bytes += one.rss_bytes;
    total.peak_bytes += one.peak_bytes;
    total.cpu_s += one.cpu_s;
  }
  return total;
}

} // namespace

hookd_nodes::hookd_nodes(const scenario& s, const run_options& o) {
  if (o.target_port) {
    if (s.cluster.nodes > 0)
      throw std::runtime_error("a cluster scenario needs hookd nodes the bench starts (no --target)");
    nodes_.push_back(hookd_instance::attach(o.target_port, o.target_pid));
  } else if (s.cluster.nodes == 0) {
    nodes_.emplace_back(o.hookd_binary, o.work_dir, s.hookd_flags);
  } else {
    testing::postgres_server_options pg;
    pg.fsync = true; // a 202 means committed to disk, as on SQLite
    pg.shared_buffers = "256MB";
    postgres_ = std::make_unique<testing::postgres_server>(pg);
    const auto url = postgres_->create_database();
    for (std::size_t i = 0; i < s.cluster.nodes; ++i) {
      auto flags = s.hookd_flags;
      flags.emplace_back("store.backend", "postgres");
      flags.emplace_back("store.url", url);
      flags.emplace_back("cluster.node_id", "node-" + std::to_string(i + 1));
      nodes_.emplace_back(o.hookd_binary, o.work_dir + "/node-" + std::to_string(i + 1),
                          std::move(flags));
    }
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    usage_.push_back(std::make_unique<proc_sampler>());
  on_interrupt_ = std::make_unique<interrupt_cleanup>([this] {
    for (auto& n : nodes_)
      if (n.spawned() && n.pid() > 0)
        ::kill(n.pid(), SIGKILL);
    postgres_.reset(); // stops it and removes its directory
  });
}

hookd_nodes::~hookd_nodes() = default;

void hookd_nodes::start() {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    nodes_[i].start();
    if (nodes_[i].pid() > 0)
      usage_[i]->watch(nodes_[i].pid());
  }
  if (clustered())
    wait_balanced(std::chrono::seconds{60});
}

void hookd_nodes::wait_balanced(std::chrono::milliseconds limit) {
  const int n = static_cast<int>(nodes_.size());
  const int most = (partitions + n - 1) / n; // each node's share at most (policy/lease_plan)
  const auto deadline = steady::now() + limit;
  for (;;) {
    int owned = 0;
    bool even = true;
    for (const auto& node : nodes_) {
      const int mine = partitions_owned(node.port()).value_or(0);
      owned += mine;
      even = even && mine > 0 && mine <= most;
    }
    if (even && owned == partitions)
      return;
    if (steady::now() >= deadline)
      throw std::runtime_error("the cluster did not spread its 256 partitions evenly over " +
                               std::to_string(n) + " nodes within " +
                               std::to_string(limit.count() / 1000) + " s");
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
}

std::uint16_t hookd_nodes::port() const {
  std::lock_guard lock{mutex_};
  for (const auto& n : nodes_)
    if (!n.spawned() || n.pid() > 0)
      return n.port();
  return nodes_.front().port();
}

std::vector<std::uint16_t> hookd_nodes::ports() const {
  std::lock_guard lock{mutex_};
  std::vector<std::uint16_t> out;
  for (const auto& n : nodes_)
    if (!n.spawned() || n.pid() > 0) // not one killed and left down
      out.push_back(n.port());
  return out;
}

void hookd_nodes::kill9(std::size_t i) {
  std::lock_guard lock{mutex_};
  usage_.at(i)->sample(); // keeps its CPU time up to the kill
  nodes_.at(i).kill9();
}

void hookd_nodes::restart(std::size_t i, std::chrono::milliseconds limit) {
  std::lock_guard lock{mutex_};
  nodes_.at(i).start(limit);
  usage_.at(i)->watch(nodes_[i].pid());
}

proc_usage hookd_nodes::sample() {
  return add_up(usage_, [](proc_sampler& u) { return u.sample(); });
}

proc_usage hookd_nodes::last() const {
  return add_up(usage_, [](proc_sampler& u) { return u.last(); });
}

std::optional<int> hookd_nodes::terminate() {
  std::optional<int> status = 0;
  for (auto& n : nodes_) {
    if (n.spawned() && n.pid() <= 0)
      continue; // killed and left down
    auto one = n.terminate();
    if (!one)
      status = std::nullopt;
    else if (status && *status == 0)
      status = *one;
  }
  return status;
}

std::string hookd_nodes::command_line() const {
  std::string out;
  for (const auto& n : nodes_)
    out += (out.empty() ? "" : "\n       ") + n.command_line();
  if (postgres_)
    out += "\n       (PostgreSQL 15 on 127.0.0.1:" + std::to_string(postgres_->port()) +
           ", fsync on, shared_buffers 256MB)";
  return out;
}

std::optional<double> hookd_nodes::wait_takeover(std::size_t dead, std::int64_t killed_ns,
                                                 std::chrono::milliseconds limit) {
  const auto deadline = steady::now() + limit;
  while (steady::now() < deadline) {
    int owned = 0;
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      if (i != dead)
        owned += partitions_owned(nodes_[i].port()).value_or(0);
    if (owned == partitions)
      return seconds_between(killed_ns, realtime_ns());
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  return std::nullopt;
}

} // namespace hookd::bench

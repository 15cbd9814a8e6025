#include "policy/cluster_partition.hpp"
#include "policy/lease_plan.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace hookd::policy;

TEST_CASE("partition_of is FNV-1a modulo 256, the same forever", "[policy][cluster]") {
  // Known values: the database layout depends on them (a change moves every endpoint).
  STATIC_REQUIRE(partition_of("") == 0xcbf29ce484222325ULL % 256);
  CHECK(partition_of("a") == 0xaf63dc4c8601ec8cULL % 256);
  CHECK(partition_of("ep_hookd_alerts") == partition_of("ep_hookd_alerts"));
  std::map<std::uint32_t, int> spread;
  for (int i = 0; i < 25600; ++i)
    ++spread[partition_of("ep_" + std::to_string(i))];
  CHECK(spread.size() == 256);
  for (const auto& [part, n] : spread) {
    INFO("partition " << part);
    CHECK(n > 50); // about 100 each
    CHECK(n < 160);
  }
}

namespace {

std::vector<lease_row> leases(std::uint32_t n, const std::map<std::uint32_t, std::string>& owners,
                              const std::set<std::uint32_t>& expired = {}) {
  std::vector<lease_row> rows;
  for (std::uint32_t p = 0; p < n; ++p) {
    auto it = owners.find(p);
    rows.push_back({p, it == owners.end() ? "" : it->second, it == owners.end() || expired.count(p) > 0});
  }
  return rows;
}

} // namespace

TEST_CASE("lease_share is the ceiling of partitions over live nodes", "[policy][cluster]") {
  struct row {
    std::uint32_t partitions;
    std::size_t nodes;
    std::uint32_t share;
  };
  for (auto [partitions, nodes, share] : {row{256, 0, 256}, row{256, 1, 256}, row{256, 2, 128},
                                          row{256, 3, 86}, row{256, 7, 37}, row{8, 16, 1}}) {
    INFO(partitions << " over " << nodes);
    CHECK(lease_share(partitions, nodes) == share);
  }
}

TEST_CASE("a lone node claims every free partition", "[policy][cluster]") {
  auto plan = plan_leases("a", 1, leases(8, {}));
  CHECK(plan.claim == std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(plan.release.empty());
}

TEST_CASE("a node holding more than its share releases the highest partitions",
          "[policy][cluster]") {
  std::map<std::uint32_t, std::string> all_a;
  for (std::uint32_t p = 0; p < 8; ++p)
    all_a[p] = "a";
  auto plan = plan_leases("a", 3, leases(8, all_a)); // share 3
  CHECK(plan.release == std::vector<std::uint32_t>{3, 4, 5, 6, 7});
  CHECK(plan.claim.empty());
}

TEST_CASE("a joining node claims free and expired partitions up to its share, never live ones",
          "[policy][cluster]") {
  // a holds 0-3 (3 expired: a stalled), b holds 4-5, 6-7 free; three live nodes: share 3.
  auto rows = leases(8, {{0, "a"}, {1, "a"}, {2, "a"}, {3, "a"}, {4, "b"}, {5, "b"}}, {3});
  auto plan = plan_leases("c", 3, rows);
  CHECK(plan.claim.size() == 3);
  for (auto p : plan.claim) {
    INFO(p);
    CHECK((p == 3 || p == 6 || p == 7));
  }
  CHECK(plan.release.empty());
}

TEST_CASE("a node at its share does nothing", "[policy][cluster]") {
  auto rows = leases(4, {{0, "a"}, {1, "a"}, {2, "b"}, {3, "b"}});
  auto plan = plan_leases("a", 2, rows);
  CHECK(plan.claim.empty());
  CHECK(plan.release.empty());
}

TEST_CASE("three nodes planning in turns converge to an even spread", "[policy][cluster]") {
  // Simulated heartbeats: each node plans from the current rows and applies its plan; claims
  // succeed only on free rows (as the database's conditional UPDATE).
  auto rows = leases(256, {});
  const std::vector<std::string> nodes{"node-a", "node-b", "node-c"};
  for (int round = 0; round < 4; ++round) {
    for (const auto& me : nodes) {
      auto plan = plan_leases(me, nodes.size(), rows);
      for (auto p : plan.release)
        rows[p] = {p, "", true};
      for (auto p : plan.claim)
        if (rows[p].owner.empty() || rows[p].expired)
          rows[p] = {p, me, false};
    }
  }
  std::map<std::string, int> held;
  for (const auto& r : rows) {
    REQUIRE_FALSE(r.owner.empty()); // every partition owned
    ++held[r.owner];
  }
  for (const auto& me : nodes) {
    INFO(me);
    CHECK(held[me] >= 84);
    CHECK(held[me] <= 86);
  }
}

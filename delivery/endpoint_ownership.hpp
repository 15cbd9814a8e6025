#pragma once
// Which endpoints this node runs actors for. One node (SQLite) owns every endpoint. In cluster
// mode a node owns the endpoints whose partition (policy/cluster_partition.hpp) it holds a lease
// for, each under that lease's token: the endpoint owner's writes carry it, and the store
// refuses them once another node has taken the partition (fencing).
#include "policy/cluster_partition.hpp"
#include "store/records.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace hookd::delivery {

class endpoint_ownership {
public:
  /// One node: every endpoint, no lease.
  static endpoint_ownership everything() { return endpoint_ownership{false}; }
  /// Cluster mode: nothing until leases are gained.
  static endpoint_ownership by_lease() { return endpoint_ownership{true}; }

  bool clustered() const { return clustered_; }
  bool owns(std::string_view endpoint_id) const { return lease_of(endpoint_id).has_value(); }
  bool owns_part(std::uint32_t part) const;

  /// The token an owner's writes carry (unset part for one node); nullopt when not owned.
  std::optional<store::lease_token> lease_of(std::string_view endpoint_id) const;

  /// Adds (or re-keys, under a new epoch) a partition.
  void gain(const store::lease_token& lease);
  void lose(std::uint32_t part);
  void lose_all();

  /// The partitions held, in order.
  std::vector<std::uint32_t> parts() const;

private:
  explicit endpoint_ownership(bool clustered);

  bool clustered_;
  /// epochs_[part]: the lease's epoch, or -1 when not held.
  std::vector<std::int64_t> epochs_;
};

} // namespace hookd::delivery

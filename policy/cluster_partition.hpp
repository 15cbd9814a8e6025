#pragma once
// Cluster mode: endpoints are owned in partitions. An endpoint's partition is a hash of its id,
// the same on every node and in every version (it is part of the database layout: the leases
// table has one row per partition), so never change the function or the count.
#include <cstdint>
#include <string_view>

namespace hookd::policy {

/// Partitions of the endpoint space. 256: enough to spread over dozens of nodes evenly, few
/// enough that every node reads every lease at each heartbeat without noticing.
inline constexpr std::uint32_t cluster_partitions = 256;

/// FNV-1a (64-bit) of the id, modulo cluster_partitions.
constexpr std::uint32_t partition_of(std::string_view endpoint_id) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : endpoint_id) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return static_cast<std::uint32_t>(h % cluster_partitions);
}

} // namespace hookd::policy

#pragma once
// The receiver's endpoints: every group's endpoints in order (global index = group offset +
// index), each with its HMAC key and a request counter. Lookups by name are allocation-free.
// Thread-safe after construction (counters are atomics).
#include "bench/common/endpoint_group.hpp"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hookd::bench {

class endpoint_table {
public:
  explicit endpoint_table(std::vector<endpoint_group> groups);

  struct entry {
    std::uint32_t index;         ///< global endpoint index
    const endpoint_group* group;
  };
  /// "<group>-<index>" → the endpoint; nullopt when unknown.
  std::optional<entry> find(std::string_view name) const;

  const std::string& key(std::uint32_t index) const { return keys_[index]; }
  /// This endpoint's request number (0-based) for the request being handled.
  std::uint64_t next_request_no(std::uint32_t index) {
    return counters_[index].fetch_add(1, std::memory_order_relaxed);
  }
  std::size_t size() const { return keys_.size(); }
  const std::vector<endpoint_group>& groups() const { return groups_; }

private:
  std::vector<endpoint_group> groups_;
  std::vector<std::uint32_t> offsets_;
  std::vector<std::string> keys_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counters_;
};

} // namespace hookd::bench

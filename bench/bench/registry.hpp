#pragma once
// The endpoints of a run: global index (groups in scenario order, as the receiver numbers
// them) → group, name and the id hookd gave it; and every message the producers sent, indexed
// by sequence number, with what hookd answered.
#include "bench/bench/scenario.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hookd::bench {

struct endpoint_entry {
  std::uint32_t group = 0;
  std::string name;     ///< "<group>-<index>"
  std::string hookd_id; ///< "ep_…"; empty until created
};

struct message_entry {
  std::int64_t sent_ns = 0;   ///< first time the POST was written
  std::int64_t accept_ns = 0; ///< when the 202 arrived; 0: not accepted
  std::uint32_t endpoint = 0;
  std::uint16_t phase = 0;
  bool in_doubt = false;      ///< sent, no answer, not retried (it may exist)
  char id[32] = {};

  bool accepted() const { return accept_ns != 0; }
  std::string_view message_id() const;
};

struct registry {
  std::vector<endpoint_entry> endpoints;
  std::vector<std::uint32_t> group_offset; ///< first global index of each group
  std::vector<message_entry> messages;     ///< by sequence number (reserved up front)

  explicit registry(const scenario& s);
  std::uint32_t index_of(std::uint32_t group, std::size_t i) const {
    return group_offset[group] + static_cast<std::uint32_t>(i);
  }
};

} // namespace hookd::bench

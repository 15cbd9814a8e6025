#include "bench/bench/registry.hpp"

#include "bench/common/secrets.hpp"

#include <cstring>

namespace hookd::bench {

std::string_view message_entry::message_id() const {
  return {id, ::strnlen(id, sizeof id)};
}

registry::registry(const scenario& s) {
  std::uint32_t offset = 0;
  for (std::uint32_t g = 0; g < s.groups.size(); ++g) {
    group_offset.push_back(offset);
    for (std::size_t i = 0; i < s.groups[g].count; ++i)
      endpoints.push_back({g, endpoint_name(s.groups[g].name, i), {}});
    offset += static_cast<std::uint32_t>(s.groups[g].count);
  }
  std::size_t total = 0;
  for (const auto& p : s.phases)
    total += p.messages;
  messages.reserve(total);
}

} // namespace hookd::bench

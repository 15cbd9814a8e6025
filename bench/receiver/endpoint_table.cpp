#include "bench/receiver/endpoint_table.hpp"

#include "bench/common/secrets.hpp"

#include <charconv>

namespace hookd::bench {

endpoint_table::endpoint_table(std::vector<endpoint_group> groups) : groups_(std::move(groups)) {
  std::uint32_t offset = 0;
  for (const auto& g : groups_) {
    offsets_.push_back(offset);
    for (std::size_t i = 0; i < g.count; ++i)
      keys_.push_back(endpoint_key(endpoint_name(g.name, i)));
    offset += static_cast<std::uint32_t>(g.count);
  }
  counters_ = std::make_unique<std::atomic<std::uint64_t>[]>(keys_.size());
  for (std::size_t i = 0; i < keys_.size(); ++i)
    counters_[i].store(0);
}

std::optional<endpoint_table::entry> endpoint_table::find(std::string_view name) const {
  const auto dash = name.rfind('-');
  if (dash == std::string_view::npos)
    return std::nullopt;
  const auto group = name.substr(0, dash);
  const auto digits = name.substr(dash + 1);
  std::size_t index = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty())
    return std::nullopt;
  for (std::size_t g = 0; g < groups_.size(); ++g)
    if (groups_[g].name == group && index < groups_[g].count)
      return entry{offsets_[g] + static_cast<std::uint32_t>(index), &groups_[g]};
  return std::nullopt;
}

} // namespace hookd::bench

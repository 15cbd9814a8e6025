#include "policy/lease_plan.hpp"

#include <algorithm>
#include <functional>

namespace hookd::policy {

std::uint32_t lease_share(std::uint32_t partitions, std::size_t live_nodes) {
  const auto n = static_cast<std::uint32_t>(std::max<std::size_t>(1, live_nodes));
  return (partitions + n - 1) / n;
}

lease_plan plan_leases(const std::string& me, std::size_t live_nodes,
                       const std::vector<lease_row>& rows) {
  lease_plan plan;
  if (rows.empty())
    return plan;
  const auto share = lease_share(static_cast<std::uint32_t>(rows.size()), live_nodes);
  std::vector<std::uint32_t> mine;
  std::vector<std::uint32_t> free;
  for (const auto& r : rows) {
    if (r.owner == me && !r.expired)
      mine.push_back(r.part);
    else if (r.owner.empty() || r.expired)
      free.push_back(r.part);
  }
  if (mine.size() > share) {
    std::sort(mine.begin(), mine.end(), std::greater<>{});
    plan.release.assign(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(mine.size() - share));
    std::sort(plan.release.begin(), plan.release.end());
    return plan;
  }
  std::sort(free.begin(), free.end());
  const auto wanted = share - mine.size();
  if (free.empty() || wanted == 0)
    return plan;
  // Start at an offset of this node's own (its id's hash), wrapping around.
  const auto start = static_cast<std::size_t>(std::hash<std::string>{}(me) % free.size());
  for (std::size_t i = 0; i < free.size() && plan.claim.size() < wanted; ++i)
    plan.claim.push_back(free[(start + i) % free.size()]);
  std::sort(plan.claim.begin(), plan.claim.end());
  return plan;
}

} // namespace hookd::policy

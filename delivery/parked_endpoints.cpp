#include "delivery/parked_endpoints.hpp"

namespace hookd::delivery {

void parked_endpoints::park(const std::string& endpoint_id, time_point wake_at,
                            endpoint_memento memento) {
  parked_.insert_or_assign(endpoint_id, entry{wake_at, memento});
  wakes_.emplace(wake_at, endpoint_id);
}

std::optional<endpoint_memento> parked_endpoints::unpark(const std::string& endpoint_id) {
  auto it = parked_.find(endpoint_id);
  if (it == parked_.end())
    return std::nullopt;
  auto memento = it->second.memento;
  parked_.erase(it);
  return memento;
}

void parked_endpoints::prune() const {
  while (!wakes_.empty()) {
    const auto& [at, id] = wakes_.top();
    auto it = parked_.find(id);
    if (it != parked_.end() && it->second.wake_at == at)
      return;
    wakes_.pop();
  }
}

std::vector<std::pair<std::string, endpoint_memento>> parked_endpoints::take_due(time_point now) {
  std::vector<std::pair<std::string, endpoint_memento>> due;
  for (prune(); !wakes_.empty() && wakes_.top().first <= now; prune()) {
    auto id = wakes_.top().second;
    wakes_.pop();
    auto memento = unpark(id);
    due.emplace_back(std::move(id), *memento);
  }
  return due;
}

std::optional<time_point> parked_endpoints::next_wake() const {
  prune();
  if (wakes_.empty())
    return std::nullopt;
  return wakes_.top().first;
}

} // namespace hookd::delivery

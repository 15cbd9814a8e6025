#pragma once
// Endpoints whose actors have quit although work is pending, because that work is far away
// (docs/architecture.md, "Parked endpoints"): a retry an hour out needs no actor, no mailbox
// and no timer until then. The dispatcher keeps one entry per parked endpoint here and spawns
// its actor again — recovering the pending deliveries from the store — when the wake time comes
// or when new work arrives, whichever is first.
//
// Promises: each endpoint is parked at most once (parking again replaces the entry);
// `take_due` returns each due endpoint once, in wake order, and never one that was unparked
// (or parked again for later) meanwhile; plain C++, no clock, tested with explicit time points.
#include "delivery/endpoint_memento.hpp"
#include "policy/time.hpp"

#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hookd::delivery {

class parked_endpoints {
public:
  /// Parks `endpoint_id` until `wake_at` (replacing an earlier entry).
  void park(const std::string& endpoint_id, time_point wake_at, endpoint_memento memento);

  /// Removes the endpoint (work arrived, or it was deleted or disabled): its memento, or
  /// nullopt when it was not parked.
  std::optional<endpoint_memento> unpark(const std::string& endpoint_id);

  /// Removes and returns every endpoint whose wake time is at or before `now`, earliest first.
  std::vector<std::pair<std::string, endpoint_memento>> take_due(time_point now);

  /// The earliest wake time; nullopt when nothing is parked.
  std::optional<time_point> next_wake() const;

  bool contains(const std::string& endpoint_id) const { return parked_.contains(endpoint_id); }
  std::size_t size() const { return parked_.size(); }

private:
  struct entry {
    time_point wake_at;
    endpoint_memento memento;
  };
  using wake = std::pair<time_point, std::string>;
  /// Drops heap entries whose endpoint was unparked or parked again for another time.
  void prune() const;

  std::unordered_map<std::string, entry> parked_;
  mutable std::priority_queue<wake, std::vector<wake>, std::greater<>> wakes_;
};

} // namespace hookd::delivery

#pragma once
// The deliveries an endpoint finished (delivered, or failed) in the last few seconds, so that a
// copy read from the store before its final record committed is not taken for new work.
//
// Why: an endpoint's backlog is read from the store while its actor is delivering (a partition
// just taken over, work another node announced). The read may return a delivery as pending
// whose attempt has just succeeded here and whose record is still on its way to the store; the
// actor no longer holds it, so without this memory it would attempt it again. A copy is stale
// when its last update is older than the finish; an operator's retry of a failed delivery is
// written after the finish, so it is new work and passes.
//
// Bounded by time (entries older than `keep` are dropped) and by count, so an idle endpoint
// holds nothing and a busy one at most `max_entries` ids.
#include "policy/time.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <utility>

namespace hookd::delivery {

class recently_finished {
public:
  static constexpr duration keep = std::chrono::seconds{10};
  static constexpr std::size_t max_entries = 4096;

  void remember(std::int64_t delivery_id, time_point finished_at) {
    prune(finished_at);
    if (order_.size() == max_entries)
      drop_oldest();
    by_id_[delivery_id] = finished_at;
    order_.emplace_back(finished_at, delivery_id);
  }

  /// True when `delivery_id` finished here after `updated_at` (the copy's last update): the
  /// copy is stale.
  bool stale(std::int64_t delivery_id, time_point updated_at) const {
    auto it = by_id_.find(delivery_id);
    return it != by_id_.end() && (updated_at == no_time || updated_at <= it->second);
  }

  void prune(time_point now) {
    while (!order_.empty() && order_.front().first + keep < now)
      drop_oldest();
  }

  std::size_t size() const { return by_id_.size(); }

private:
  void drop_oldest() {
    auto [at, id] = order_.front();
    order_.pop_front();
    if (auto it = by_id_.find(id); it != by_id_.end() && it->second == at)
      by_id_.erase(it);
  }

  std::unordered_map<std::int64_t, time_point> by_id_;
  std::deque<std::pair<time_point, std::int64_t>> order_;
};

} // namespace hookd::delivery

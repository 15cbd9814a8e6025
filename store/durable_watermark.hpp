#pragma once
// The newest delivery id known to be durable, for readers of a store whose commits become
// durable after they are visible (store/durability.hpp). The writer raises it after each sync;
// a reader that loads pending deliveries for recovery leaves out newer ones: their batch has not
// been acknowledged yet, and once it is, the dispatcher hands them to their endpoint actor
// itself. So no attempt starts before its delivery is durable, even when a recovery's read
// lands between a commit and its sync.
#include <atomic>
#include <cstdint>
#include <limits>

namespace hookd::store {

class durable_watermark {
public:
  /// Until the writer reports a sync, nothing newer than what was committed before the
  /// process started (and is therefore durable) is known.
  explicit durable_watermark(std::int64_t initial = std::numeric_limits<std::int64_t>::max())
      : newest_(initial) {}

  std::int64_t newest() const { return newest_.load(std::memory_order_acquire); }
  bool covers(std::int64_t delivery_id) const { return delivery_id <= newest(); }
  /// Raises the mark (it never goes down).
  void raise_to(std::int64_t delivery_id) {
    auto cur = newest_.load(std::memory_order_relaxed);
    while (cur < delivery_id &&
           !newest_.compare_exchange_weak(cur, delivery_id, std::memory_order_release)) {
    }
  }

private:
  std::atomic<std::int64_t> newest_;
};

} // namespace hookd::store

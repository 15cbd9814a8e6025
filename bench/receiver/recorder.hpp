#pragma once
// Per-io-thread request log: each thread appends to its own vector under its own (never
// contended in the hot path) mutex; `collect` merges them for a dump.
#include "bench/common/delivery_record.hpp"

#include <mutex>
#include <vector>

namespace hookd::bench {

class recorder {
public:
  recorder() { records_.reserve(1 << 16); }
  void add(const delivery_record& r) {
    std::lock_guard lock{mutex_};
    records_.push_back(r);
  }
  /// Appends a copy of everything recorded so far to `out`.
  void copy_to(std::vector<delivery_record>& out) const {
    std::lock_guard lock{mutex_};
    out.insert(out.end(), records_.begin(), records_.end());
  }
  std::size_t size() const {
    std::lock_guard lock{mutex_};
    return records_.size();
  }

private:
  mutable std::mutex mutex_;
  std::vector<delivery_record> records_;
};

} // namespace hookd::bench

#pragma once
// The high_retry_rate alert rule (docs/operations.md): failed attempts / all attempts over the sliding
// 5-minute window above `ratio`, with at least `min_attempts` attempts. It is an episode: it
// starts once when the rate goes over, and ends once when it is back at or under the ratio (or
// traffic drops under the minimum); only a start raises an alert.
#include "policy/success_window.hpp"

namespace hookd::policy {

class retry_rate_rule {
public:
  enum class change { none, started, ended };

  retry_rate_rule(double ratio, std::uint64_t min_attempts) : ratio_(ratio), min_(min_attempts) {}

  change evaluate(const attempt_counts& last_5m) {
    const bool high = last_5m.total() >= min_ && last_5m.total() > 0 &&
                      static_cast<double>(last_5m.failed) / static_cast<double>(last_5m.total()) > ratio_;
    if (high == active_)
      return change::none;
    active_ = high;
    return high ? change::started : change::ended;
  }

  bool active() const { return active_; }

private:
  double ratio_;
  std::uint64_t min_;
  bool active_ = false;
};

} // namespace hookd::policy

#pragma once
// Sliding success rate of an endpoint's attempts over the last 5 minutes, hour and day, kept in
// fixed rings of time buckets (5 min: 10 × 30 s, 1 h: 12 × 5 min, 24 h: 24 × 1 h). Memory is
// constant (under 600 bytes) and each record or query touches at most 46 buckets; the window's
// edges are as coarse as its buckets.
#include "policy/time.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace hookd::policy {

struct attempt_counts {
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;

  std::uint64_t total() const { return succeeded + failed; }
  /// nullopt when there were no attempts.
  std::optional<double> success_rate() const {
    if (total() == 0)
      return std::nullopt;
    return static_cast<double>(succeeded) / static_cast<double>(total());
  }
};

/// Counts over the last `Buckets × bucket_width`.
template <std::size_t Buckets>
class sliding_counts {
public:
  explicit sliding_counts(duration bucket_width) : width_(bucket_width) {}

  void record(time_point at, bool success) {
    const auto index = index_of(at);
    bucket& b = ring_[index % Buckets];
    if (b.index != index)
      b = bucket{index, 0, 0};
    (success ? b.succeeded : b.failed) += 1;
  }

  /// Each bucket of the window ending at `now`, oldest first (empty buckets as zeros).
  std::array<attempt_counts, Buckets> buckets(time_point now) const {
    const auto newest = index_of(now);
    std::array<attempt_counts, Buckets> out{};
    for (const bucket& b : ring_)
      if (b.index <= newest && b.index + Buckets > newest)
        out[Buckets - 1 - (newest - b.index)] = attempt_counts{b.succeeded, b.failed};
    return out;
  }

  duration bucket_width() const { return width_; }

  attempt_counts counts(time_point now) const {
    const auto newest = index_of(now);
    attempt_counts sum;
    for (const bucket& b : ring_) {
      if (b.index <= newest && b.index + Buckets > newest && (b.succeeded + b.failed) > 0) {
        sum.succeeded += b.succeeded;
        sum.failed += b.failed;
      }
    }
    return sum;
  }

private:
  struct bucket {
    std::uint32_t index = 0; // bucket number since the epoch
    std::uint32_t succeeded = 0;
    std::uint32_t failed = 0;
  };

  std::uint32_t index_of(time_point t) const {
    return static_cast<std::uint32_t>(t.time_since_epoch() / width_);
  }

  duration width_;
  std::array<bucket, Buckets> ring_{};
};

class success_window {
public:
  success_window()
      : five_minutes_(std::chrono::seconds{30}), one_hour_(std::chrono::minutes{5}),
        one_day_(std::chrono::hours{1}) {}

  void record(time_point at, bool success) {
    five_minutes_.record(at, success);
    one_hour_.record(at, success);
    one_day_.record(at, success);
  }

  attempt_counts last_5m(time_point now) const { return five_minutes_.counts(now); }
  attempt_counts last_1h(time_point now) const { return one_hour_.counts(now); }
  attempt_counts last_24h(time_point now) const { return one_day_.counts(now); }

private:
  sliding_counts<10> five_minutes_;
  sliding_counts<12> one_hour_;
  sliding_counts<24> one_day_;
};

} // namespace hookd::policy

#pragma once
// hookd's process-wide counters and histograms (docs/operations.md), updated on the hot path with relaxed
// atomics — no lock, no message per attempt — and read by the /metrics exposition and
// /v1/stats. Gauges that describe stored state (pending deliveries, endpoints by status) are
// not kept here: they are read from the store when asked, so they cannot drift.
//
// One `metrics` object per engine (engine_context::metrics); tests create their own.
#include "metrics/endpoint_windows.hpp"
#include "metrics/inbound_counts.hpp"
#include "policy/outcome.hpp"
#include "policy/success_window.hpp"
#include "policy/time.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

namespace hookd::metrics {

class counter {
public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<std::uint64_t> value_{0};
};

class gauge {
public:
  void add(std::int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<std::int64_t> value_{0};
};

/// A histogram with fixed upper bounds in seconds (Prometheus `le`), plus +Inf.
class histogram {
public:
  explicit histogram(std::vector<double> upper_bounds);

  void observe(double seconds);

  struct snapshot {
    std::vector<double> upper_bounds;
    std::vector<std::uint64_t> cumulative; ///< per bound, then +Inf last (== count)
    double sum = 0;
    std::uint64_t count = 0;
  };
  snapshot read() const;

private:
  std::vector<double> bounds_;
  std::vector<std::atomic<std::uint64_t>> buckets_; ///< bounds_.size() + 1 (+Inf)
  std::atomic<std::uint64_t> sum_micros_{0};
};

/// Alert kinds of docs/operations.md (plus actor_crashed), in the order used by `alerts`.
enum class alert_kind : std::uint8_t {
  endpoint_disabled,
  delivery_exhausted,
  high_retry_rate,
  store_error,
  actor_crashed,
};
inline constexpr std::size_t alert_kinds = 5;
std::string_view to_string(alert_kind k);

/// Attempt outcomes over time: the 5 min / 1 h / 24 h windows, and per-minute counts of the
/// last hour for the dashboard's charts. Guarded by a mutex (a window is several words; an
/// atomic would not do), taken once per attempt.
class attempt_windows {
public:
  void record(time_point at, bool success);
  policy::attempt_counts last_5m(time_point now) const;
  policy::attempt_counts last_1h(time_point now) const;
  policy::attempt_counts last_24h(time_point now) const;

  struct minute {
    time_point start;
    std::uint64_t succeeded = 0;
    std::uint64_t failed = 0;
  };
  /// The last 60 minutes, oldest first (minutes without attempts included, as zeros).
  std::vector<minute> per_minute(time_point now) const;

private:
  mutable std::mutex mutex_;
  policy::success_window windows_;
  policy::sliding_counts<60> minutes_{std::chrono::minutes{1}};
};

struct metrics {
  metrics();

  counter messages_accepted;
  std::array<counter, 3> attempts;   ///< by attempt_outcome
  counter deliveries_delivered;
  std::array<counter, 4> deliveries_failed; ///< by failure_reason (none unused)
  counter retries_scheduled;
  std::array<counter, 4> endpoint_disabled; ///< by disabled_reason (none unused)
  std::array<counter, alert_kinds> alerts;
  gauge attempts_in_flight;
  histogram attempt_duration;   ///< seconds, per attempt
  histogram delivery_latency;   ///< seconds, message accepted → delivered
  histogram store_commit;       ///< seconds, per group commit
  counter store_commands;       ///< commands committed
  attempt_windows windows;
  endpoint_windows per_endpoint; ///< each endpoint's last hour (its success_rate_1h)
  inbound_counts inbound;        ///< requests posted to /in/, by source and result

  void on_attempt(attempt_outcome outcome, duration elapsed, time_point at);
};

} // namespace hookd::metrics

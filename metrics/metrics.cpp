#include "metrics/metrics.hpp"

#include <algorithm>
#include <cmath>

namespace hookd::metrics {

histogram::histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), buckets_(bounds_.size() + 1) {}

void histogram::observe(double seconds) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), seconds);
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(std::llround(std::max(0.0, seconds) * 1e6)),
                        std::memory_order_relaxed);
}

histogram::snapshot histogram::read() const {
  snapshot s;
  s.upper_bounds = bounds_;
  std::uint64_t running = 0;
  for (const auto& b : buckets_) {
    running += b.load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;
  s.sum = static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
  return s;
}

std::string_view to_string(alert_kind k) {
  switch (k) {
    case alert_kind::endpoint_disabled: return "endpoint_disabled";
    case alert_kind::delivery_exhausted: return "delivery_exhausted";
    case alert_kind::high_retry_rate: return "high_retry_rate";
    case alert_kind::store_error: return "store_error";
    case alert_kind::actor_crashed: return "actor_crashed";
  }
  return "unknown";
}

void attempt_windows::record(time_point at, bool success) {
  std::lock_guard lock{mutex_};
  windows_.record(at, success);
  minutes_.record(at, success);
}

policy::attempt_counts attempt_windows::last_5m(time_point now) const {
  std::lock_guard lock{mutex_};
  return windows_.last_5m(now);
}

policy::attempt_counts attempt_windows::last_1h(time_point now) const {
  std::lock_guard lock{mutex_};
  return windows_.last_1h(now);
}

policy::attempt_counts attempt_windows::last_24h(time_point now) const {
  std::lock_guard lock{mutex_};
  return windows_.last_24h(now);
}

std::vector<attempt_windows::minute> attempt_windows::per_minute(time_point now) const {
  std::lock_guard lock{mutex_};
  const auto buckets = minutes_.buckets(now);
  const auto current = std::chrono::floor<std::chrono::minutes>(now);
  std::vector<minute> out;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const auto start = current - std::chrono::minutes{static_cast<long>(buckets.size() - 1 - i)};
    out.push_back(minute{std::chrono::time_point_cast<duration>(start), buckets[i].succeeded,
                         buckets[i].failed});
  }
  return out;
}

namespace {

/// Bounds from 5 ms to 30 s: an attempt's duration (timeouts are 15 s by default).
std::vector<double> attempt_bounds() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30};
}

/// Bounds from 1 ms to 10 h: accepted → delivered spans a first attempt to the retry window.
std::vector<double> latency_bounds() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
          900, 3600, 10800, 36000};
}

/// Bounds from 50 µs to 1 s: one group commit (an fsync on most disks is 0.1–10 ms).
std::vector<double> commit_bounds() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};
}

} // namespace

metrics::metrics()
    : attempt_duration(attempt_bounds()),
      delivery_latency(latency_bounds()),
      store_commit(commit_bounds()) {}

void metrics::on_attempt(attempt_outcome outcome, duration elapsed, time_point at) {
  attempts[static_cast<std::size_t>(outcome)].inc();
  attempt_duration.observe(std::chrono::duration<double>(elapsed).count());
  windows.record(at, outcome == attempt_outcome::success);
}

} // namespace hookd::metrics

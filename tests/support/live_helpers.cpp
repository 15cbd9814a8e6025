// Compressed config, polling waits and receiver scripts (see live_helpers.hpp).
#include "tests/support/live_helpers.hpp"

#include <atomic>
#include <memory>
#include <thread>

namespace hookd::testing {

using namespace std::chrono_literals;

namespace {

constexpr auto poll_interval = 10ms;

} // namespace

config::config compressed_config() {
  config::config c;
  c.retry.initial_interval = 200ms;
  c.retry.multiplier = 2.0;
  c.retry.max_interval = 1s;
  c.retry.jitter = 0.5;
  c.retry.max_duration = 4s;
  c.retry.breaker_threshold = 5;
  c.endpoints.failure_disable_after = 8s;
  c.endpoints.idle_timeout = 1s;
  c.endpoints.allow_private_targets = true;
  c.http.connect_timeout = 500ms;
  c.http.attempt_timeout = 1s;
  return c;
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = steady::now() + timeout;
  for (;;) {
    if (pred())
      return true;
    if (steady::now() >= deadline)
      return false;
    std::this_thread::sleep_for(poll_interval);
  }
}

bool holds_for(const std::function<bool()>& pred, std::chrono::milliseconds period) {
  const auto end = steady::now() + period;
  while (steady::now() < end) {
    if (!pred())
      return false;
    std::this_thread::sleep_for(poll_interval);
  }
  return pred();
}

test_receiver::handler replies(std::vector<reply> first, reply rest) {
  auto calls = std::make_shared<std::atomic<std::size_t>>(0);
  auto script = std::make_shared<const std::vector<reply>>(std::move(first));
  return [calls, script, rest](const received_request&) {
    const auto i = calls->fetch_add(1);
    return i < script->size() ? (*script)[i] : rest;
  };
}

std::vector<reply> times(std::size_t n, const reply& r) {
  return std::vector<reply>(n, r);
}

std::multiset<std::string> webhook_ids(const test_receiver& rx) {
  std::multiset<std::string> out;
  for (const auto& r : rx.requests())
    out.insert(r.header("webhook-id").value_or(""));
  return out;
}

std::chrono::milliseconds gap(const received_request& earlier, const received_request& later) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(later.arrival - earlier.arrival);
}

} // namespace hookd::testing

#pragma once
// Helpers shared by the tests that run hookd in real time (the in-process engine fixture, the
// HTTP API tests and the daemon tests): a config with compressed durations, polling waits
// (never fixed long sleeps) and scripted receiver handlers.
#include "config/config.hpp"
#include "tests/support/test_receiver.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace hookd::testing {

using steady = std::chrono::steady_clock;

/// hookd's defaults with every duration compressed: first retry after 200–300 ms, a 4-second
/// retry window, 1-second attempt timeout, and private (loopback) targets allowed.
config::config compressed_config();

/// Polls `pred` every 10 ms until it holds (true) or `timeout` passes (false).
bool wait_until(const std::function<bool()>& pred,
                std::chrono::milliseconds timeout = std::chrono::seconds{5});

/// Polls `pred` every 10 ms for `period`; false as soon as it does not hold.
bool holds_for(const std::function<bool()>& pred, std::chrono::milliseconds period);

// -- receiver scripts -------------------------------------------------------------------------

/// A receiver handler answering with `first[0]`, `first[1]`, ... then `rest` forever.
test_receiver::handler replies(std::vector<reply> first, reply rest);

/// `n` copies of `r`.
std::vector<reply> times(std::size_t n, const reply& r);

/// Every webhook-id a receiver got, with repeats.
std::multiset<std::string> webhook_ids(const test_receiver& rx);

/// Arrival gap between two recorded requests.
std::chrono::milliseconds gap(const received_request& earlier, const received_request& later);

} // namespace hookd::testing

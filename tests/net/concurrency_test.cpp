// Many attempts at once: a thousand requests stuck on a hanging receiver must not delay a
// request to a healthy one (one io thread, nothing blocks).
#include "net/io_worker.hpp"
#include "tests/net/client_harness.hpp"
#include "tests/support/fd_limit.hpp"
#include "tests/support/test_receiver.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <vector>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;
using clock_type = std::chrono::steady_clock;

namespace {

/// Raises the soft fd limit as far as allowed and returns how many hanging requests fit
/// (each needs a client and a server socket), at most `wanted`.
std::size_t requests_that_fit(std::size_t wanted) {
  const std::size_t limit = raise_fd_limit(4 * wanted + 256);
  return std::min<std::size_t>(wanted, (limit - 128) / 2);
}

/// Completion times and outcomes, written from the io thread, read by the test.
struct completions {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::pair<clock_type::time_point, attempt_error>> hanging;
  std::optional<clock_type::time_point> healthy_at;
  int healthy_status = 0;

  void add_hanging(const net::http_response& r) {
    std::lock_guard lock(mutex);
    hanging.emplace_back(clock_type::now(), r.error);
    changed.notify_all();
  }
  void set_healthy(const net::http_response& r) {
    std::lock_guard lock(mutex);
    healthy_at = clock_type::now();
    healthy_status = r.status;
    changed.notify_all();
  }
  bool wait_all(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return hanging.size() >= n && healthy_at; });
  }
};

} // namespace

TEST_CASE("1,000 hanging requests do not delay a healthy one", "[client][load]") {
  const std::size_t n = requests_that_fit(1000);
  INFO("hanging requests: " << n);
  REQUIRE(n >= 100);

  test_receiver stuck([](const received_request&) { return reply::hang(); });
  test_receiver healthy;
  completions done;
  {
    net::io_worker worker(test_options());
    for (std::size_t i = 0; i < n; ++i)
      worker.submit(post_to(stuck.url("/stuck"), "{}", 2s),
                    [&](net::http_response r) { done.add_hanging(r); });
    worker.submit(post_to(healthy.url("/ok"), "{}", 2s),
                  [&](net::http_response r) { done.set_healthy(r); });

    REQUIRE(done.wait_all(n, 30s));
    std::lock_guard lock(done.mutex);
    auto first_hanging = std::min_element(done.hanging.begin(), done.hanging.end())->first;
    CHECK(done.healthy_status == 200);
    CHECK(*done.healthy_at < first_hanging); // the healthy one did not wait for the stuck ones
    CHECK(std::all_of(done.hanging.begin(), done.hanging.end(),
                      [](const auto& h) { return h.second == attempt_error::timeout; }));
  }
  CHECK(stuck.count() == n);
  CHECK(stuck.connections_accepted() == n);
  CHECK(healthy.count() == 1);
}

TEST_CASE("io_worker runs posted functions and requests on its own thread", "[io_worker]") {
  test_receiver rx;
  std::promise<std::thread::id> posted_on;
  std::promise<std::pair<std::thread::id, int>> answered_on;
  net::io_worker worker(test_options());
  worker.post([&] { posted_on.set_value(std::this_thread::get_id()); });
  worker.submit(post_to(rx.url()), [&](net::http_response r) {
    answered_on.set_value({std::this_thread::get_id(), r.status});
  });
  auto worker_id = posted_on.get_future().get();
  auto [answer_id, status] = answered_on.get_future().get();
  CHECK(worker_id != std::this_thread::get_id());
  CHECK(answer_id == worker_id);
  CHECK(status == 200);
}

TEST_CASE("io_worker destruction with requests in flight drops them cleanly", "[io_worker]") {
  test_receiver rx([](const received_request&) { return reply::hang(); });
  std::atomic<int> calls{0};
  {
    net::io_worker worker(test_options());
    for (int i = 0; i < 20; ++i)
      worker.submit(post_to(rx.url(), "{}", 30s), [&](net::http_response) { ++calls; });
    REQUIRE(rx.wait_for_count(20));
  } // must not hang for the 30 s deadline
  CHECK(calls == 0);
  CHECK(rx.wait_for_closed(20));
}

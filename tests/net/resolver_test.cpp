// Host name resolution off the io thread (net/resolver_pool.hpp), through the client's
// `resolve` seam: a lookup that hangs for one host must not delay attempts to other hosts, and
// a lookup that throws still ends its attempt. Never real DNS: the names are resolved by the
// test's own function, to 127.0.0.1.
#include "tests/net/client_harness.hpp"
#include "tests/support/test_receiver.hpp"

#include <boost/asio/ip/address.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

namespace {

/// Resolves every name to 127.0.0.1, except "stuck.test", whose lookup hangs until released,
/// and "throws.test". Shared with the lookup function: a resolver thread may outlive the test.
class scripted_dns : public std::enable_shared_from_this<scripted_dns> {
public:
  net::resolve_fn fn() {
    return [self = shared_from_this()](const std::string& host, std::uint16_t port) {
      return self->lookup(host, port);
    };
  }
  net::resolve_result lookup(const std::string& host, std::uint16_t port) {
    ++lookups_;
    if (host == "stuck.test") {
      std::unique_lock lock(m_);
      ++stuck_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return released_; });
    }
    if (host == "throws.test")
      throw std::runtime_error("resolver exploded");
    net::resolve_result r;
    r.endpoints.emplace_back(boost::asio::ip::make_address("127.0.0.1"), port);
    return r;
  }
  bool wait_stuck(int n) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, 5s, [&] { return stuck_ >= n; });
  }
  void release() {
    std::lock_guard lock(m_);
    released_ = true;
    cv_.notify_all();
  }
  int lookups() const { return lookups_; }

private:
  std::mutex m_;
  std::condition_variable cv_;
  int stuck_ = 0;
  bool released_ = false;
  std::atomic<int> lookups_{0};
};

/// Starts `n` sends on the harness's io thread without waiting for them.
std::vector<std::future<net::http_response>> start_sends(client_harness& h, net::http_request req,
                                                         int n) {
  std::vector<std::future<net::http_response>> out;
  for (int i = 0; i < n; ++i) {
    auto promise = std::make_shared<std::promise<net::http_response>>();
    out.push_back(promise->get_future());
    h.on_io([&](net::http_client& c) {
      c.send(req, [promise](net::http_response r) { promise->set_value(std::move(r)); });
      return 0;
    });
  }
  return out;
}

} // namespace

TEST_CASE("a hanging lookup for one host does not delay attempts to other hosts", "[client][dns]") {
  test_receiver receiver;
  auto dns = std::make_shared<scripted_dns>();
  auto opts = test_options();
  opts.resolve = dns->fn();
  opts.resolver_threads = 2;
  std::optional<client_harness> h(std::in_place, opts);
  const auto port = std::to_string(receiver.port());
  // More attempts to the stuck host than there are resolver threads: they share one lookup.
  auto stuck = start_sends(*h, post_to("http://stuck.test:" + port + "/", "{}", 10s, 3s), 5);
  REQUIRE(dns->wait_stuck(1));

  auto start = std::chrono::steady_clock::now();
  auto by_name = h->send(post_to("http://fast.test:" + port + "/hook"), 2s);
  CHECK(by_name.error == attempt_error::none);
  CHECK(by_name.status == 200);
  auto by_ip = h->send(post_to("http://127.0.0.1:" + port + "/hook"), 2s);
  CHECK(by_ip.status == 200);
  CHECK(std::chrono::steady_clock::now() - start < 1s);

  // The stuck attempts end at their connect deadline, as DNS timeouts.
  for (auto& f : stuck) {
    REQUIRE(f.wait_for(5s) == std::future_status::ready);
    CHECK(f.get().error == attempt_error::timeout);
  }
  CHECK(dns->lookups() == 2); // one for stuck.test (coalesced), one for fast.test
  dns->release();
  h.reset();
}

TEST_CASE("a lookup still queued at the connect deadline fails as local_resources, not as the "
          "endpoint's DNS timeout",
          "[client][dns][resources]") {
  test_receiver receiver;
  auto dns = std::make_shared<scripted_dns>();
  auto opts = test_options();
  opts.resolve = dns->fn();
  opts.resolver_threads = 1;
  std::optional<client_harness> h(std::in_place, opts);
  const auto port = std::to_string(receiver.port());
  // The only resolver thread hangs on stuck.test: fine.test's lookup waits in the queue.
  auto stuck = start_sends(*h, post_to("http://stuck.test:" + port + "/", "{}", 10s, 2s), 1);
  REQUIRE(dns->wait_stuck(1));
  auto queued = h->send(post_to("http://fine.test:" + port + "/hook", "{}", 5s, 300ms), 3s);
  CHECK(queued.error == attempt_error::local_resources);
  CHECK(queued.error_detail.find("resolver") != std::string::npos);
  // The lookup that did start and hung is the stuck host's own DNS timeout.
  REQUIRE(stuck[0].wait_for(5s) == std::future_status::ready);
  CHECK(stuck[0].get().error == attempt_error::timeout);

  dns->release(); // the thread is free again: fine.test resolves and is delivered
  auto later = h->send(post_to("http://fine.test:" + port + "/hook"), 3s);
  CHECK(later.error == attempt_error::none);
  CHECK(later.status == 200);
  h.reset();
}

TEST_CASE("a lookup that throws ends its attempt with an error, not silence",
          "[client][dns][resources]") {
  auto dns = std::make_shared<scripted_dns>();
  auto opts = test_options();
  opts.resolve = dns->fn();
  client_harness h(opts);
  auto r = h.send(post_to("http://throws.test:1/hook"), 3s);
  CHECK(r.error == attempt_error::unavailable);
  CHECK(r.error_detail == "internal error: resolver exploded");
}

#pragma once
// Test helper: one http_client on its own io thread, with blocking `send` for straight-line
// tests and `on_io` to run anything (e.g. idle_connections()) on the io thread.
#include "net/http_client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>

namespace hookd::testing {

class client_harness {
public:
  explicit client_harness(net::client_options opts = {});
  ~client_harness();
  client_harness(const client_harness&) = delete;
  client_harness& operator=(const client_harness&) = delete;

  /// Sends on the io thread and waits for the callback (throws if none within `limit`).
  net::http_response send(net::http_request req,
                          std::chrono::milliseconds limit = std::chrono::seconds(10));

  /// Runs `f` on the io thread and returns its result.
  template <class F>
  auto on_io(F f) -> decltype(f(std::declval<net::http_client&>())) {
    std::packaged_task<decltype(f(std::declval<net::http_client&>()))()> task(
        [&] { return f(*client_); });
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }

  std::thread::id io_thread_id() const { return thread_.get_id(); }

private:
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::optional<net::http_client> client_;
  std::thread thread_;
};

/// A POST of `body` to `url` with short test timeouts.
net::http_request post_to(std::string url, std::string body = "{}",
                          std::chrono::milliseconds total = std::chrono::seconds(5),
                          std::chrono::milliseconds connect = std::chrono::seconds(2));

/// Loopback-only options for tests (private targets allowed, as in docs/security.md tests).
net::client_options test_options();

} // namespace hookd::testing

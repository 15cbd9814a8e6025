#include "tests/net/client_harness.hpp"

#include <memory>
#include <stdexcept>

namespace hookd::testing {

client_harness::client_harness(net::client_options opts)
    : work_(boost::asio::make_work_guard(io_)) {
  client_.emplace(io_, std::move(opts));
  thread_ = std::thread([this] { io_.run(); });
}

client_harness::~client_harness() {
  on_io([this](net::http_client&) {
    client_.reset();
    return 0;
  });
  work_.reset();
  io_.stop();
  thread_.join();
}

net::http_response client_harness::send(net::http_request req, std::chrono::milliseconds limit) {
  auto promise = std::make_shared<std::promise<net::http_response>>();
  auto result = promise->get_future();
  boost::asio::post(io_, [this, req = std::move(req), promise]() mutable {
    client_->send(std::move(req),
                  [promise](net::http_response r) { promise->set_value(std::move(r)); });
  });
  if (result.wait_for(limit) != std::future_status::ready)
    throw std::runtime_error("no callback within the test limit");
  return result.get();
}

net::http_request post_to(std::string url, std::string body, std::chrono::milliseconds total,
                          std::chrono::milliseconds connect) {
  net::http_request r;
  r.url = std::move(url);
  r.body = std::make_shared<const std::string>(std::move(body));
  r.total_timeout = total;
  r.connect_timeout = connect;
  return r;
}

net::client_options test_options() {
  net::client_options o;
  o.user_agent = "hookd-test";
  return o;
}

} // namespace hookd::testing

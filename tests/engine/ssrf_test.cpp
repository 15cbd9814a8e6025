// The SSRF guard end to end (docs/security.md): with endpoints.allow_private_targets off, every
// spelling of a loopback target — a host name resolving there, 127.0.0.1, the IPv4-mapped
// [::ffff:127.0.0.1] and [::1] — fails its attempt with forbidden_address and the receiver sees
// zero connections; with allow_private_targets on, or the addresses in endpoints.allow_cidrs,
// the same URLs are delivered. Endpoints are created through the dispatcher (put_endpoint_cmd),
// bypassing the API's 422 for literal addresses, so the connect-time check is what is tested.
#include "tests/engine/live_engine.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

namespace {

/// A minimal HTTP receiver on [::1] (test_receiver listens on 127.0.0.1 only): counts accepted
/// connections, answers each request "200 ok" and closes. `ok()` is false when this machine
/// cannot listen on ::1.
class v6_loopback_receiver {
public:
  v6_loopback_receiver() {
    fd_ = ::socket(AF_INET6, SOCK_STREAM, 0);
    if (fd_ < 0)
      return;
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = in6addr_loopback;
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    port_ = ntohs(addr.sin6_port);
    thread_ = std::thread([this] { run(); });
  }

  ~v6_loopback_receiver() {
    stop_ = true;
    if (thread_.joinable())
      thread_.join();
    if (fd_ >= 0)
      ::close(fd_);
  }

  v6_loopback_receiver(const v6_loopback_receiver&) = delete;
  v6_loopback_receiver& operator=(const v6_loopback_receiver&) = delete;

  bool ok() const { return fd_ >= 0; }
  std::string url() const { return "http://[::1]:" + std::to_string(port_) + "/v6"; }
  std::size_t connections() const { return connections_; }
  std::size_t requests() const { return requests_; }

private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0)
        continue;
      const int conn = ::accept(fd_, nullptr, nullptr);
      if (conn < 0)
        continue;
      ++connections_;
      serve(conn);
      ::close(conn);
    }
  }

  /// Reads one request (head + Content-Length body) and answers it.
  void serve(int conn) {
    std::string data;
    char buffer[4096];
    std::size_t need = std::string::npos;
    const auto deadline = steady::now() + 2s;
    while (steady::now() < deadline && (need == std::string::npos || data.size() < need)) {
      pollfd p{conn, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0)
        continue;
      const auto n = ::recv(conn, buffer, sizeof buffer, 0);
      if (n <= 0)
        return;
      data.append(buffer, static_cast<std::size_t>(n));
      const auto head_end = data.find("\r\n\r\n");
      if (need == std::string::npos && head_end != std::string::npos) {
        std::string head = data.substr(0, head_end);
        std::transform(head.begin(), head.end(), head.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::size_t length = 0;
        if (const auto at = head.find("content-length:"); at != std::string::npos)
          length = std::stoul(head.substr(at + 15));
        need = head_end + 4 + length;
      }
    }
    if (need == std::string::npos || data.size() < need)
      return;
    ++requests_;
    const std::string response =
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    (void)::send(conn, response.data(), response.size(), MSG_NOSIGNAL);
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::size_t> requests_{0};
};

/// The loopback spellings under test, all pointing at `rx` (or at `v6` for [::1]).
struct target {
  std::string name;
  std::string url;
  bool on_v6 = false;
};

std::vector<target> targets(const test_receiver& rx, const v6_loopback_receiver& v6) {
  const auto port = std::to_string(rx.port());
  std::vector<target> out = {
      {"localhost", rx.url_for("localhost", "/localhost")},
      {"127.0.0.1", rx.url("/v4")},
      {"[::ffff:127.0.0.1]", "http://[::ffff:127.0.0.1]:" + port + "/mapped"},
  };
  if (v6.ok())
    out.push_back({"[::1]", v6.url(), true});
  else
    WARN("cannot listen on [::1] here: the [::1] row is skipped");
  return out;
}

/// The first attempt of the message, once there is one.
store::attempt_record first_attempt(live_engine& e, const std::string& msg) {
  REQUIRE(wait_until([&] { return !e.attempts_of(msg).empty(); }));
  auto attempts = e.attempts_of(msg);
  return *std::min_element(attempts.begin(), attempts.end(),
                           [](const auto& a, const auto& b) { return a.seq < b.seq; });
}

} // namespace

TEST_CASE("ssrf: every loopback spelling is refused at connect time, zero connections",
          "[live][ssrf]") {
  test_receiver rx;
  v6_loopback_receiver v6;
  live_engine e([](config::config& c) { c.endpoints.allow_private_targets = false; });

  std::vector<std::string> messages;
  for (const auto& t : targets(rx, v6)) {
    INFO(t.name << ": " << t.url);
    const auto ep = e.add_endpoint(t.url);
    const auto msg = e.submit(R"({"ssrf":true})", ep);
    messages.push_back(msg);
    const auto a = first_attempt(e, msg);
    CHECK(a.error == attempt_error::forbidden_address);
    CHECK(a.outcome == attempt_outcome::failure);
    CHECK(a.status_code == 0);
    CHECK_THAT(a.error_detail, Catch::Contains("is not allowed"));
    const auto d = e.delivery(msg);
    CHECK(d.status == delivery_status::pending); // retryable, like any transport failure
    CHECK(d.last_error == attempt_error::forbidden_address);
  }
  // Let the retries (200–300 ms apart) run too: still nothing reaches either receiver.
  CHECK(holds_for([&] { return rx.connections_accepted() == 0 && v6.connections() == 0; }, 700ms));
  for (const auto& msg : messages) {
    for (const auto& a : e.attempts_of(msg))
      CHECK(a.error == attempt_error::forbidden_address);
  }
  CHECK(rx.count() == 0);
  CHECK(v6.requests() == 0);
}

TEST_CASE("ssrf: allow_private_targets lets the same URLs through", "[live][ssrf]") {
  test_receiver rx;
  v6_loopback_receiver v6;
  live_engine e([](config::config& c) { c.endpoints.allow_private_targets = true; });

  std::size_t on_rx = 0;
  for (const auto& t : targets(rx, v6)) {
    INFO(t.name << ": " << t.url);
    const auto msg = e.submit(R"({"ssrf":false})", e.add_endpoint(t.url));
    REQUIRE(wait_until([&] { return e.delivery_is(msg, delivery_status::delivered); }));
    CHECK(first_attempt(e, msg).error == attempt_error::none);
    if (!t.on_v6)
      ++on_rx;
  }
  CHECK(rx.count() == on_rx);
  if (v6.ok())
    CHECK(v6.requests() == 1);
}

TEST_CASE("ssrf: allow_cidrs opens exactly the listed networks", "[live][ssrf]") {
  test_receiver rx;
  v6_loopback_receiver v6;

  SECTION("127.0.0.0/8 and ::1/128: every spelling is delivered") {
    live_engine e([](config::config& c) {
      c.endpoints.allow_private_targets = false;
      c.endpoints.allow_cidrs = {"127.0.0.0/8", "::1/128"};
    });
    std::size_t on_rx = 0;
    for (const auto& t : targets(rx, v6)) {
      INFO(t.name << ": " << t.url);
      const auto msg = e.submit(R"({"cidr":true})", e.add_endpoint(t.url));
      REQUIRE(wait_until([&] { return e.delivery_is(msg, delivery_status::delivered); }));
      if (!t.on_v6)
        ++on_rx;
    }
    CHECK(rx.count() == on_rx);
  }

  SECTION("127.0.0.0/8 alone does not open [::1], and 10.0.0.0/8 opens nothing here") {
    live_engine e([](config::config& c) {
      c.endpoints.allow_private_targets = false;
      c.endpoints.allow_cidrs = {"10.0.0.0/8"};
    });
    const auto refused = e.submit("{}", e.add_endpoint(rx.url("/v4")));
    CHECK(first_attempt(e, refused).error == attempt_error::forbidden_address);
    if (v6.ok()) {
      live_engine only_v4([](config::config& c) {
        c.endpoints.allow_private_targets = false;
        c.endpoints.allow_cidrs = {"127.0.0.0/8"};
      });
      const auto msg = only_v4.submit("{}", only_v4.add_endpoint(v6.url()));
      CHECK(first_attempt(only_v4, msg).error == attempt_error::forbidden_address);
      CHECK(v6.connections() == 0);
    }
    CHECK(rx.connections_accepted() == 0);
  }
}

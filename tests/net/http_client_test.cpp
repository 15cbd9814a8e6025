// http_client against the in-process test_receiver on 127.0.0.1: responses, keep-alive, body
// caps, timeouts, retries on stale connections, the address filter.
#include "tests/net/client_harness.hpp"
#include "tests/support/test_receiver.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;
using net::http_response;

namespace {

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i)
    s[i] = static_cast<char>('a' + i % 26);
  return s;
}

} // namespace

TEST_CASE("a 200 response arrives with its status and body", "[client]") {
  test_receiver rx([](const received_request&) { return reply::ok("{\"ok\":true}"); });
  client_harness h(test_options());
  auto r = h.send(post_to(rx.url("/hook")));
  INFO(r.error_detail);
  CHECK(r.error == attempt_error::none);
  CHECK(r.error_detail.empty());
  CHECK(r.status == 200);
  CHECK(r.body == "{\"ok\":true}");
  CHECK_FALSE(r.retry_after);
  CHECK(r.elapsed.count() >= 0);
  CHECK(rx.count() == 1);
}

TEST_CASE("non-2xx statuses are responses, not errors", "[client]") {
  test_receiver rx([](const received_request&) { return reply::with_status(500, "boom"); });
  client_harness h(test_options());
  auto r = h.send(post_to(rx.url()));
  CHECK(r.error == attempt_error::none);
  CHECK(r.status == 500);
  CHECK(r.body == "boom");
}

TEST_CASE("keep-alive: ten sequential requests share one connection", "[client]") {
  test_receiver rx;
  client_harness h(test_options());
  for (int i = 0; i < 10; ++i) {
    auto r = h.send(post_to(rx.url("/n/" + std::to_string(i))));
    REQUIRE(r.status == 200);
  }
  CHECK(rx.count() == 10);
  CHECK(rx.connections_accepted() == 1);
  CHECK(h.on_io([](net::http_client& c) { return c.idle_connections(); }) == 1);
  CHECK(h.on_io([](net::http_client& c) { return c.in_flight(); }) == 0);
}

TEST_CASE("response bodies are kept up to 4 KiB, the rest drained or the connection closed",
          "[client]") {
  client_harness h(test_options());

  SECTION("a short body is kept whole") {
    test_receiver rx([](const received_request&) { return reply::ok(pattern(1000)); });
    CHECK(h.send(post_to(rx.url())).body == pattern(1000));
  }
  SECTION("exactly 4 KiB is kept whole and the connection reused") {
    test_receiver rx([](const received_request&) { return reply::ok(pattern(4096)); });
    CHECK(h.send(post_to(rx.url())).body == pattern(4096));
    CHECK(h.send(post_to(rx.url())).status == 200);
    CHECK(rx.connections_accepted() == 1);
  }
  SECTION("10 KiB: truncated to 4 KiB, the rest drained, the connection reused") {
    test_receiver rx([](const received_request&) { return reply::ok(pattern(10 * 1024)); });
    auto r = h.send(post_to(rx.url()));
    CHECK(r.status == 200);
    CHECK(r.body == pattern(4096));
    CHECK(h.send(post_to(rx.url())).body == pattern(4096));
    CHECK(rx.connections_accepted() == 1);
  }
  SECTION("10 KiB chunked: same") {
    test_receiver rx(
        [](const received_request&) { return reply::ok(pattern(10 * 1024)).as_chunked(); });
    CHECK(h.send(post_to(rx.url())).body == pattern(4096));
    CHECK(h.send(post_to(rx.url())).body == pattern(4096));
    CHECK(rx.connections_accepted() == 1);
  }
  SECTION("200 KiB: more than max_drain_bytes left, so the connection is closed") {
    test_receiver rx([](const received_request&) { return reply::ok(pattern(200 * 1024)); });
    auto r = h.send(post_to(rx.url()));
    CHECK(r.error == attempt_error::none);
    CHECK(r.body == pattern(4096));
    CHECK(h.on_io([](net::http_client& c) { return c.idle_connections(); }) == 0);
    CHECK(h.send(post_to(rx.url())).status == 200);
    CHECK(rx.connections_accepted() == 2);
  }
}

TEST_CASE("a 301 is returned as a status, not followed", "[client]") {
  test_receiver rx([](const received_request& req) {
    if (req.target == "/old")
      return reply::with_status(301).with_header("Location", "/new");
    return reply::ok("followed");
  });
  client_harness h(test_options());
  auto r = h.send(post_to(rx.url("/old")));
  CHECK(r.error == attempt_error::none);
  CHECK(r.status == 301);
  CHECK(rx.count() == 1);
}

TEST_CASE("Retry-After is surfaced as the raw header value", "[client]") {
  test_receiver rx([](const received_request& req) {
    if (req.target == "/date")
      return reply::with_status(503).with_header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
    if (req.target == "/none")
      return reply::with_status(503);
    return reply::with_status(429).with_header("Retry-After", "120");
  });
  client_harness h(test_options());
  auto seconds = h.send(post_to(rx.url("/secs")));
  CHECK(seconds.status == 429);
  CHECK(seconds.retry_after == std::optional<std::string>("120"));
  CHECK(h.send(post_to(rx.url("/date"))).retry_after ==
        std::optional<std::string>("Wed, 21 Oct 2015 07:28:00 GMT"));
  CHECK_FALSE(h.send(post_to(rx.url("/none"))).retry_after);
}

TEST_CASE("headers and body arrive exactly as sent", "[client]") {
  test_receiver rx;
  client_harness h(test_options());
  std::string body =
      "{\"type\":\"order.paid\",\"n\":\"\xc3\xbc\\u0000\",\"pad\":\"" + pattern(3000) + "\"}";
  auto req = post_to(rx.url("/in/hook?tenant=7&x=%2F"), body);
  req.headers = {{"webhook-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"},
                 {"webhook-timestamp", "1674087231"},
                 {"webhook-signature", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1,abc"},
                 {"X-Empty", ""}};
  REQUIRE(h.send(std::move(req)).status == 200);
  REQUIRE(rx.count() == 1);
  auto got = rx.requests().front();
  CHECK(got.method == "POST");
  CHECK(got.target == "/in/hook?tenant=7&x=%2F");
  CHECK(got.body == body);
  CHECK(got.header("host") == "127.0.0.1:" + std::to_string(rx.port()));
  CHECK(got.header("user-agent") == std::optional<std::string>("hookd-test"));
  CHECK(got.header("content-type") == std::optional<std::string>("application/json"));
  CHECK(got.header("content-length") == std::to_string(body.size()));
  CHECK(got.header("webhook-id") == std::optional<std::string>("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"));
  CHECK(got.header("webhook-timestamp") == std::optional<std::string>("1674087231"));
  CHECK(got.header("webhook-signature") ==
        std::optional<std::string>("v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1,abc"));
  CHECK(got.header("x-empty") == std::optional<std::string>(""));
  CHECK_FALSE(got.header("connection"));
  CHECK(got.headers.size() == 8); // 4 fixed + 4 caller headers, nothing else
}

TEST_CASE("an empty (null) body is sent with Content-Length: 0", "[client]") {
  test_receiver rx;
  client_harness h(test_options());
  auto req = post_to(rx.url());
  req.body = nullptr;
  REQUIRE(h.send(std::move(req)).status == 200);
  auto got = rx.requests().front();
  CHECK(got.body.empty());
  CHECK(got.header("content-length") == std::optional<std::string>("0"));
}

TEST_CASE("connection refused maps to connect_refused", "[client]") {
  client_harness h(test_options());
  auto r = h.send(post_to("http://127.0.0.1:" + std::to_string(closed_port()) + "/"));
  CHECK(r.error == attempt_error::connect_refused);
  CHECK(r.status == 0);
  CHECK_FALSE(r.error_detail.empty());
}

TEST_CASE("a hanging receiver times out after about total_timeout", "[client]") {
  test_receiver rx([](const received_request&) { return reply::hang(); });
  client_harness h(test_options());
  auto r = h.send(post_to(rx.url(), "{}", 200ms));
  CHECK(r.error == attempt_error::timeout);
  CHECK(r.status == 0);
  CHECK(r.elapsed >= 150ms);
  CHECK(r.elapsed < 5s);
  CHECK(rx.count() == 1);
  CHECK(rx.wait_for_closed(1)); // the client closed the timed-out connection
}

TEST_CASE("a slow body after the header still counts against total_timeout", "[client]") {
  test_receiver rx([](const received_request&) {
    return reply::raw("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc").then_hold();
  });
  client_harness h(test_options());
  auto r = h.send(post_to(rx.url(), "{}", 200ms));
  CHECK(r.error == attempt_error::timeout);
  CHECK(r.elapsed < 5s);
}

TEST_CASE("the connect timeout covers a TLS handshake that never completes", "[client]") {
  // A listener that never accepts: TCP connects (the kernel completes it), TLS never answers.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  client_harness h(test_options());
  auto url = "https://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/";
  auto r = h.send(post_to(url, "{}", 10s, 200ms));
  CHECK(r.error == attempt_error::timeout);
  CHECK(r.error_detail == "timed out in the TLS handshake");
  CHECK(r.elapsed < 5s); // ended by the connect timeout, not the 10 s total
}

TEST_CASE("a pooled connection the server closed is retried once on a fresh connection",
          "[client]") {
  SECTION("the server closes while the request is being sent (the keep-alive race)") {
    // Connection 1 answers its first request, then closes on the second one without a byte of
    // response; any later connection answers.
    test_receiver rx([](const received_request& req) {
      if (req.target == "/second" && req.connection_id == 1)
        return reply::close_connection();
      return reply::ok("fresh");
    });
    client_harness h(test_options());
    REQUIRE(h.send(post_to(rx.url("/first"))).status == 200);
    auto r = h.send(post_to(rx.url("/second")));
    CHECK(r.error == attempt_error::none);
    CHECK(r.body == "fresh");
    CHECK(rx.count() == 3);
    CHECK(rx.connections_accepted() == 2);
  }
  SECTION("the server closed the idle connection before the next request") {
    test_receiver rx([](const received_request&) { return reply::ok().then_drop(); });
    client_harness h(test_options());
    REQUIRE(h.send(post_to(rx.url())).status == 200);
    REQUIRE(rx.wait_for_closed(1));
    auto r = h.send(post_to(rx.url()));
    CHECK(r.error == attempt_error::none);
    CHECK(r.status == 200);
    CHECK(rx.connections_accepted() == 2);
  }
}

TEST_CASE("the stale-connection retry happens at most once", "[client]") {
  // Every request after the very first is closed without an answer.
  test_receiver rx([](const received_request& req) {
    return req.target == "/first" ? reply::ok() : reply::close_connection();
  });
  client_harness h(test_options());
  REQUIRE(h.send(post_to(rx.url("/first"))).status == 200);
  auto r = h.send(post_to(rx.url("/second")));
  CHECK(r.error == attempt_error::reset);
  CHECK(rx.count() == 3); // first, second on the pooled connection, second once more
  CHECK(rx.connections_accepted() == 2);
}

TEST_CASE("no retry once response bytes arrived on a reused connection", "[client]") {
  test_receiver rx([](const received_request& req) {
    if (req.target == "/first")
      return reply::ok();
    return reply::raw("HTTP/1.1 200 OK\r\nContent-Le");
  });
  client_harness h(test_options());
  REQUIRE(h.send(post_to(rx.url("/first"))).status == 200);
  auto r = h.send(post_to(rx.url("/second")));
  CHECK(r.error == attempt_error::reset);
  CHECK(rx.count() == 2);
}

TEST_CASE("malformed and truncated responses", "[client]") {
  client_harness h(test_options());
  SECTION("garbage is a protocol error") {
    test_receiver rx([](const received_request&) { return reply::raw("SMTP ready\r\n\r\n"); });
    CHECK(h.send(post_to(rx.url())).error == attempt_error::protocol);
  }
  SECTION("a body cut short is a reset") {
    test_receiver rx([](const received_request&) {
      return reply::raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
    });
    CHECK(h.send(post_to(rx.url())).error == attempt_error::reset);
  }
  SECTION("a body delimited by connection close is read to the end") {
    test_receiver rx([](const received_request&) {
      return reply::raw("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil-eof");
    });
    auto r = h.send(post_to(rx.url()));
    CHECK(r.error == attempt_error::none);
    CHECK(r.body == "until-eof");
  }
  SECTION("an interim 100 Continue is skipped") {
    test_receiver rx([](const received_request&) {
      return reply::raw("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\n"
                        "Content-Length: 2\r\n\r\nok")
          .then_keep_alive();
    });
    auto r = h.send(post_to(rx.url()));
    CHECK(r.status == 202);
    CHECK(r.body == "ok");
  }
}

TEST_CASE("Connection: close from the server is honoured", "[client]") {
  test_receiver rx([](const received_request&) { return reply::ok().then_close(); });
  client_harness h(test_options());
  CHECK(h.send(post_to(rx.url())).status == 200);
  CHECK(h.on_io([](net::http_client& c) { return c.idle_connections(); }) == 0);
  CHECK(h.send(post_to(rx.url())).status == 200);
  CHECK(rx.connections_accepted() == 2);
}

TEST_CASE("address_filter refusing 127.0.0.1: forbidden_address, zero connections", "[client]") {
  test_receiver rx;
  auto opts = test_options();
  std::atomic<int> asked{0};
  opts.address_filter = [&](const boost::asio::ip::address& a) {
    ++asked;
    return !a.is_loopback();
  };
  client_harness h(opts);
  auto r = h.send(post_to(rx.url()));
  CHECK(r.error == attempt_error::forbidden_address);
  CHECK_THAT(r.error_detail, Catch::Contains("127.0.0.1"));
  CHECK(asked == 1);
  SECTION("also for addresses resolved from a host name") {
    auto by_name = h.send(post_to(rx.url_for("localhost")));
    CHECK(by_name.error == attempt_error::forbidden_address);
    CHECK(asked >= 2);
  }
  CHECK(rx.connections_accepted() == 0);
}

TEST_CASE("address_filter allowing the address lets the request through", "[client]") {
  test_receiver rx;
  auto opts = test_options();
  opts.address_filter = [](const boost::asio::ip::address& a) { return a.is_loopback(); };
  client_harness h(opts);
  CHECK(h.send(post_to(rx.url_for("localhost"))).status == 200);
}

TEST_CASE("unusable requests fail without a connection", "[client]") {
  test_receiver rx;
  client_harness h(test_options());
  auto bad_url = h.send(post_to("ftp://127.0.0.1/"));
  CHECK(bad_url.error == attempt_error::invalid_url);
  CHECK_THAT(bad_url.error_detail, Catch::Contains("scheme"));
  auto req = post_to(rx.url());
  req.headers = {{"X-Evil", "a\r\nHost: other"}};
  CHECK(h.send(std::move(req)).error == attempt_error::protocol);
  CHECK(rx.connections_accepted() == 0);
}

TEST_CASE("callbacks run once, later, on the io thread, throwing ones are contained", "[client]") {
  test_receiver rx;
  client_harness h(test_options());
  std::promise<void> all_called;
  std::atomic<int> calls{0};
  std::atomic<int> ok_status{0};
  auto count_call = [&] {
    if (++calls == 3)
      all_called.set_value();
  };
  std::atomic<bool> wrong_thread{false};
  auto io_id = h.io_thread_id();
  auto refused = "http://127.0.0.1:" + std::to_string(closed_port()) + "/";
  int calls_inside_send = h.on_io([&](net::http_client& c) {
    int inline_calls = 0;
    for (const std::string& url : {std::string("ftp://nope/"), refused}) {
      c.send(post_to(url), [&, io_id](http_response) {
        wrong_thread = wrong_thread || std::this_thread::get_id() != io_id;
        count_call();
        throw std::runtime_error("callback bug");
      });
      inline_calls += calls; // never called back from inside send
    }
    c.send(post_to(rx.url()), [&](http_response r) {
      ok_status = r.status;
      count_call();
    });
    return inline_calls;
  });
  CHECK(calls_inside_send == 0);
  all_called.get_future().wait();
  CHECK(ok_status == 200);
  CHECK(calls == 3);
  CHECK_FALSE(wrong_thread);
}

TEST_CASE("idle pooled connections are closed after idle_timeout or by close_idle", "[client]") {
  test_receiver rx;
  SECTION("idle_timeout") {
    auto opts = test_options();
    opts.idle_timeout = 50ms;
    client_harness h(opts);
    REQUIRE(h.send(post_to(rx.url())).status == 200);
    CHECK(rx.wait_for_closed(1));
    CHECK(h.on_io([](net::http_client& c) { return c.idle_connections(); }) == 0);
  }
  SECTION("close_idle") {
    client_harness h(test_options());
    REQUIRE(h.send(post_to(rx.url())).status == 200);
    h.on_io([](net::http_client& c) {
      c.close_idle();
      return 0;
    });
    CHECK(rx.wait_for_closed(1));
    CHECK(h.on_io([](net::http_client& c) { return c.idle_connections(); }) == 0);
  }
}

TEST_CASE("max_idle_per_origin caps the pool", "[client]") {
  test_receiver rx([](const received_request&) { return reply::ok().with_delay(50ms); });
  auto opts = test_options();
  opts.max_idle_per_origin = 2;
  client_harness h(opts);
  std::promise<void> done;
  std::atomic<int> left{5};
  h.on_io([&](net::http_client& c) {
    for (int i = 0; i < 5; ++i)
      c.send(post_to(rx.url()), [&](http_response) {
        if (--left == 0)
          done.set_value();
      });
    return 0;
  });
  done.get_future().wait();
  CHECK(rx.connections_accepted() == 5);
  CHECK(h.on_io([](net::http_client& c) { return c.idle_connections(); }) == 2);
  CHECK(rx.wait_for_closed(3));
}

TEST_CASE("max_idle_total caps the pool over all origins: parking one more closes the oldest",
          "[client][resources]") {
  test_receiver a, b, c; // three origins
  auto opts = test_options();
  opts.max_idle_total = 2;
  client_harness h(opts);
  auto idle = [&] { return h.on_io([](net::http_client& cl) { return cl.idle_connections(); }); };
  REQUIRE(h.send(post_to(a.url())).status == 200);
  REQUIRE(h.send(post_to(b.url())).status == 200);
  CHECK(idle() == 2);
  REQUIRE(h.send(post_to(c.url())).status == 200); // parked third: a's, the oldest, closes
  CHECK(idle() == 2);
  CHECK(a.wait_for_closed(1));
  CHECK(b.connections_closed() == 0);
  CHECK(c.connections_closed() == 0);
  // b and c are reused; a needs a fresh connection (which in turn evicts b's, now the oldest).
  REQUIRE(h.send(post_to(c.url())).status == 200);
  REQUIRE(h.send(post_to(b.url())).status == 200);
  CHECK(b.connections_accepted() == 1);
  CHECK(c.connections_accepted() == 1);
  REQUIRE(h.send(post_to(a.url())).status == 200);
  CHECK(a.connections_accepted() == 2);
  CHECK(c.wait_for_closed(1)); // c was parked before b this time
  CHECK(b.connections_closed() == 0);
  CHECK(idle() == 2);
}

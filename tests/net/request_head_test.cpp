// Tests for the hand-written request head (net/request_head.hpp) and the error classification
// table (net/failure.hpp). No sockets.
#include "net/failure.hpp"
#include "net/request_head.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/system/system_error.hpp>

#include <catch2/catch.hpp>

#include <cerrno>
#include <new>
#include <stdexcept>
#include <system_error>
#include <vector>

using namespace hookd;
using namespace hookd::net;

namespace {

url parsed(const std::string& text) {
  return *parse_url(text).value;
}

} // namespace

TEST_CASE("the request head carries the fixed headers, then the caller's", "[request_head]") {
  auto r = build_request_head(parsed("http://example.com:8080/hooks/in?x=1"),
                              {{"webhook-id", "msg_1"}, {"X-Trace", "a b\tc"}}, 42, "hookd/1.2");
  REQUIRE(r.error.empty());
  CHECK(r.head == "POST /hooks/in?x=1 HTTP/1.1\r\n"
                  "Host: example.com:8080\r\n"
                  "User-Agent: hookd/1.2\r\n"
                  "Content-Type: application/json\r\n"
                  "Content-Length: 42\r\n"
                  "webhook-id: msg_1\r\n"
                  "X-Trace: a b\tc\r\n"
                  "\r\n");
}

TEST_CASE("Host omits the default port and keeps IPv6 brackets", "[request_head]") {
  CHECK_THAT(build_request_head(parsed("https://example.com/"), {}, 0, "ua").head,
             Catch::Contains("Host: example.com\r\n"));
  CHECK_THAT(build_request_head(parsed("http://[::1]:81/"), {}, 0, "ua").head,
             Catch::Contains("Host: [::1]:81\r\n"));
  CHECK_THAT(build_request_head(parsed("http://[::1]/"), {}, 0, "ua").head,
             Catch::Contains("Host: [::1]\r\n"));
}

TEST_CASE("a caller's Content-Type or User-Agent replaces the default", "[request_head]") {
  auto r = build_request_head(
      parsed("http://h/"),
      {{"content-type", "application/cloudevents+json"}, {"USER-AGENT", "custom"}}, 0, "hookd");
  REQUIRE(r.error.empty());
  CHECK_THAT(r.head, !Catch::Contains("application/json"));
  CHECK_THAT(r.head, !Catch::Contains("User-Agent: hookd"));
  CHECK_THAT(r.head, Catch::Contains("content-type: application/cloudevents+json\r\n"));
  CHECK_THAT(r.head, Catch::Contains("USER-AGENT: custom\r\n"));
}

TEST_CASE("caller headers that could break framing are refused", "[request_head]") {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"Host", "evil.example"},
      {"content-length", "1"},
      {"Transfer-Encoding", "chunked"},
      {"Connection", "close"},
      {"Keep-Alive", "timeout=5"},
      {"Upgrade", "websocket"},
      {"TE", "trailers"},
      {"X-Bad", "a\r\nInjected: yes"},
      {"X-Bad", "a\nb"},
      {"X-Bad", std::string("a\0b", 3)},
      {"", "empty"},
      {"Bad Name", "v"},
      {"Bad:Name", "v"},
      {"Bad\r\nName", "v"},
  };
  for (const auto& h : bad) {
    CAPTURE(h.first, h.second);
    auto r = build_request_head(parsed("http://h/"), {h}, 0, "ua");
    CHECK_FALSE(r.error.empty());
    CHECK(r.head.empty());
  }
}

TEST_CASE("transport errors map to attempt errors by phase", "[failure]") {
  namespace ae = boost::asio::error;
  using http_error = boost::beast::http::error;
  struct row {
    phase p;
    boost::system::error_code ec;
    attempt_error expected;
  };
  const std::vector<row> table = {
      {phase::connect, boost::beast::error::timeout, attempt_error::timeout},
      {phase::read_header, boost::beast::error::timeout, attempt_error::timeout},
      {phase::read_body, boost::beast::error::timeout, attempt_error::timeout},
      {phase::resolve, ae::host_not_found, attempt_error::dns},
      {phase::resolve, ae::host_not_found_try_again, attempt_error::dns},
      {phase::connect, ae::connection_refused, attempt_error::connect_refused},
      {phase::connect, ae::network_unreachable, attempt_error::connect_failed},
      {phase::connect, ae::host_unreachable, attempt_error::connect_failed},
      {phase::handshake, ae::eof, attempt_error::tls},
      {phase::write, ae::broken_pipe, attempt_error::reset},
      {phase::write, ae::connection_reset, attempt_error::reset},
      {phase::read_header, http_error::end_of_stream, attempt_error::reset},
      {phase::read_header, ae::connection_reset, attempt_error::reset},
      {phase::read_header, boost::asio::ssl::error::stream_truncated, attempt_error::reset},
      {phase::read_header, http_error::bad_version, attempt_error::protocol},
      {phase::read_header, http_error::header_limit, attempt_error::protocol},
      {phase::read_body, http_error::partial_message, attempt_error::reset},
      {phase::read_body, http_error::bad_chunk, attempt_error::protocol},
      // hookd's own shortage, never the endpoint's (not dns, not connect_failed)
      {phase::resolve, ae::no_memory, attempt_error::local_resources},
      {phase::resolve, ae::no_descriptors, attempt_error::local_resources},
      {phase::connect, ae::no_descriptors, attempt_error::local_resources},
      {phase::connect, {ENFILE, boost::system::system_category()}, attempt_error::local_resources},
      {phase::connect, ae::no_buffer_space, attempt_error::local_resources},
      {phase::write, ae::no_buffer_space, attempt_error::local_resources},
  };
  for (const auto& r : table) {
    CAPTURE(to_string(r.p), r.ec.message());
    auto f = classify_failure(r.p, r.ec);
    CHECK(f.error == r.expected);
    CHECK_FALSE(f.detail.empty());
  }
  // The resolver reports our own deadline as operation_aborted.
  CHECK(classify_failure(phase::resolve, ae::operation_aborted, true).error ==
        attempt_error::timeout);
}

TEST_CASE("exceptions thrown while carrying a request map to hookd's own errors", "[failure]") {
  auto of = [](auto x) { return classify_exception(std::make_exception_ptr(x)).error; };
  CHECK(of(boost::system::system_error(boost::asio::error::no_descriptors)) ==
        attempt_error::local_resources);
  CHECK(of(std::system_error(ENFILE, std::system_category())) == attempt_error::local_resources);
  CHECK(of(std::bad_alloc()) == attempt_error::local_resources);
  CHECK(of(boost::system::system_error(boost::asio::error::invalid_argument)) ==
        attempt_error::unavailable);
  CHECK(of(std::runtime_error("boom")) == attempt_error::unavailable);
  CHECK(of(42) == attempt_error::unavailable);
  CHECK(classify_exception(std::make_exception_ptr(std::runtime_error("boom"))).detail ==
        "internal error: boom");
}

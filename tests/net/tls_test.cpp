// HTTPS: chain and host-name verification, SNI, keep-alive over TLS. Certificates come from a
// test_ca generated in-process; the receiver listens on 127.0.0.1 only.
#include "tests/net/client_harness.hpp"
#include "tests/support/test_ca.hpp"
#include "tests/support/test_receiver.hpp"

#include <catch2/catch.hpp>

using namespace hookd;
using namespace hookd::testing;

namespace {

net::client_options trusting(const test_ca& ca) {
  auto o = test_options();
  o.ca_file = ca.ca_file();
  return o;
}

} // namespace

TEST_CASE("HTTPS succeeds against a certificate from the configured CA", "[tls]") {
  test_ca ca;
  test_receiver rx([](const received_request&) { return reply::ok("secure"); },
                   ca.issue({"localhost", "127.0.0.1"}));
  client_harness h(trusting(ca));

  SECTION("by IP address (IP SAN, no SNI)") {
    auto r = h.send(post_to(rx.url("/tls")));
    CHECK(r.error == attempt_error::none);
    CHECK(r.error_detail.empty());
    CHECK(r.status == 200);
    CHECK(r.body == "secure");
    REQUIRE(rx.requests().size() == 1);
    CHECK(rx.requests().front().tls_server_name.empty());
  }
  SECTION("by host name (DNS SAN, SNI sent)") {
    auto r = h.send(post_to(rx.url_for("localhost", "/tls")));
    CHECK(r.error == attempt_error::none);
    CHECK(r.status == 200);
    REQUIRE(rx.requests().size() == 1);
    CHECK(rx.requests().front().tls_server_name == "localhost");
  }
  SECTION("keep-alive over TLS") {
    for (int i = 0; i < 3; ++i)
      REQUIRE(h.send(post_to(rx.url())).status == 200);
    CHECK(rx.connections_accepted() == 1);
  }
}

TEST_CASE("HTTPS fails with a tls error when the name does not match", "[tls]") {
  test_ca ca;
  SECTION("IP address not in the certificate") {
    test_receiver rx({}, ca.issue({"other.example"}));
    client_harness h(trusting(ca));
    auto r = h.send(post_to(rx.url()));
    CHECK(r.error == attempt_error::tls);
    CHECK_THAT(r.error_detail, Catch::Contains("certificate verify failed"));
    CHECK_THAT(r.error_detail, Catch::Contains("mismatch", Catch::CaseSensitive::No));
    CHECK(rx.count() == 0);
  }
  SECTION("host name not in the certificate") {
    test_receiver rx({}, ca.issue({"127.0.0.1"}));
    client_harness h(trusting(ca));
    auto r = h.send(post_to(rx.url_for("localhost")));
    CHECK(r.error == attempt_error::tls);
    CHECK_THAT(r.error_detail, Catch::Contains("mismatch", Catch::CaseSensitive::No));
    CHECK(rx.count() == 0);
  }
}

TEST_CASE("HTTPS fails with a tls error when the CA is unknown", "[tls]") {
  test_ca ca;
  test_receiver rx({}, ca.issue({"localhost", "127.0.0.1"}));
  SECTION("system store only") {
    client_harness h(test_options());
    auto r = h.send(post_to(rx.url()));
    CHECK(r.error == attempt_error::tls);
    CHECK_THAT(r.error_detail, Catch::Contains("certificate verify failed"));
  }
  SECTION("another CA as ca_file") {
    test_ca other("another test CA");
    client_harness h(trusting(other));
    auto r = h.send(post_to(rx.url()));
    CHECK(r.error == attempt_error::tls);
    CHECK_THAT(r.error_detail, Catch::Contains("certificate verify failed"));
  }
  CHECK(rx.count() == 0);
}

TEST_CASE("an unreadable ca_file fails HTTPS requests, not the constructor", "[tls]") {
  test_receiver rx;
  auto opts = test_options();
  opts.ca_file = "/nonexistent/ca.pem";
  client_harness h(opts);
  auto r = h.send(post_to("https://127.0.0.1:" + std::to_string(rx.port()) + "/"));
  CHECK(r.error == attempt_error::tls);
  CHECK_THAT(r.error_detail, Catch::Contains("/nonexistent/ca.pem"));
  CHECK(h.send(post_to(rx.url())).status == 200); // plain HTTP unaffected
}

TEST_CASE("plain HTTP to a TLS port fails instead of hanging", "[tls]") {
  test_ca ca;
  test_receiver rx({}, ca.issue({"127.0.0.1"}));
  client_harness h(trusting(ca));
  auto r = h.send(post_to("http://127.0.0.1:" + std::to_string(rx.port()) + "/", "{}",
                          std::chrono::seconds(3)));
  CHECK(r.error != attempt_error::none);
}

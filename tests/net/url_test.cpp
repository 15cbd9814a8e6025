// Table-driven tests for net/url.hpp: what an endpoint URL may look like.
#include "net/url.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using hookd::net::parse_url;

namespace {

struct valid_case {
  std::string text;
  std::string scheme;
  std::string host;
  std::uint16_t port;
  std::string target;
};

struct invalid_case {
  std::string text;
  std::string error_contains;
};

/// `count` labels of `length` letters joined by dots.
std::string labels(int count, std::size_t length) {
  std::string out;
  for (int i = 0; i < count; ++i)
    out += (i ? "." : "") + std::string(length, 'a');
  return out;
}

} // namespace

TEST_CASE("parse_url accepts well-formed http(s) URLs", "[url]") {
  const std::vector<valid_case> cases = {
      {"http://example.com", "http", "example.com", 80, "/"},
      {"https://example.com", "https", "example.com", 443, "/"},
      {"http://example.com/", "http", "example.com", 80, "/"},
      {"HTTPS://Example.COM:8443/Path?q=1", "https", "example.com", 8443, "/Path?q=1"},
      {"http://127.0.0.1:8080/hook", "http", "127.0.0.1", 8080, "/hook"},
      {"http://0.0.0.0/", "http", "0.0.0.0", 80, "/"},
      {"http://255.255.255.255/", "http", "255.255.255.255", 80, "/"},
      {"http://[::1]:9000/x", "http", "[::1]", 9000, "/x"},
      {"https://[2001:DB8::1]/", "https", "[2001:db8::1]", 443, "/"},
      {"http://[::ffff:127.0.0.1]/", "http", "[::ffff:127.0.0.1]", 80, "/"},
      {"http://example.com?x=1&y=2", "http", "example.com", 80, "/?x=1&y=2"},
      {"http://example.com:65535/a", "http", "example.com", 65535, "/a"},
      {"http://example.com:1/", "http", "example.com", 1, "/"},
      {"http://localhost:00080/", "http", "localhost", 80, "/"},
      {"http://a-b.under_score.example/p%20q", "http", "a-b.under_score.example", 80, "/p%20q"},
      {"http://1.2.3.4.example/", "http", "1.2.3.4.example", 80, "/"},
      {"http://example.com/a/b;c=d:e@f!$&'()*+,=~-._", "http", "example.com", 80,
       "/a/b;c=d:e@f!$&'()*+,=~-._"},
      {"http://example.com/%7Euser/?q=%2F", "http", "example.com", 80, "/%7Euser/?q=%2F"},
      {"http://example.com/?", "http", "example.com", 80, "/?"},
      {"http://x/", "http", "x", 80, "/"},
      {"http://" + labels(4, 62) + "/", "http", labels(4, 62), 80, "/"}, // 251 characters
      {"http://" + std::string(63, 'a') + ".com/", "http", std::string(63, 'a') + ".com", 80, "/"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto r = parse_url(c.text);
    REQUIRE(r);
    CHECK(r.error.empty());
    CHECK(r.value->scheme == c.scheme);
    CHECK(r.value->host == c.host);
    CHECK(r.value->port == c.port);
    CHECK(r.value->target == c.target);
  }
}

TEST_CASE("parse_url refuses everything else with a reason", "[url]") {
  const std::vector<invalid_case> cases = {
      {"", "empty URL"},
      {"example.com", "absolute"},
      {"//example.com/", "absolute"},
      {"http:/example.com", "absolute"},
      {"http:example.com", "absolute"},
      {"://example.com", "absolute"},
      {"ftp://example.com/", "unsupported scheme"},
      {"javascript://x/", "unsupported scheme"},
      {"ws://example.com/", "unsupported scheme"},
      {"http+unix://x/", "unsupported scheme"},
      {"http://", "empty host"},
      {"http:///path", "empty host"},
      {"http://:80/", "empty host"},
      {"http://?q", "empty host"},
      {"http://user@example.com/", "user info"},
      {"http://user:pass@example.com/", "user info"},
      {"http://@example.com/", "user info"},
      {"http://example.com/#frag", "fragment"},
      {"http://example.com#", "fragment"},
      {"http://example.com/?a=1#x", "fragment"},
      {"http://exa mple.com/", "whitespace"},
      {" http://example.com/", "whitespace"},
      {"http://example.com/ ", "whitespace"},
      {"http://example.com/\n", "control"},
      {"http://example.com/\tx", "control"},
      {std::string("http://example.com/\0x", 21), "control"},
      {"http://example.com/a\x7f", "control"},
      {"http://example.com/\xc3\xbc", "non-ASCII"},
      {"http://ex\xc3\xa4mple.com/", "non-ASCII"},
      {"http://example.com\\@evil.com/", "backslash"},
      {"http://example.com:0/", "invalid port"},
      {"http://example.com:65536/", "invalid port"},
      {"http://example.com:123456/", "invalid port"},
      {"http://example.com:/", "invalid port"},
      {"http://example.com:8o/", "invalid port"},
      {"http://example.com:-1/", "invalid port"},
      {"http://example.com:+80/", "invalid port"},
      {"http://example.com:80:81/", "invalid port"},
      {"http://[::1/", "unterminated IPv6"},
      {"http://[::1]x/", "invalid character after host"},
      {"http://[::1]:/", "invalid port"},
      {"http://[::g]/", "invalid IPv6"},
      {"http://[]/", "invalid IPv6"},
      {"http://[fe80::1%25eth0]/", "invalid IPv6"},
      {"http://[1:2:3:4:5:6:7:8:9]/", "invalid IPv6"},
      {"http://[v1.fe]/", "invalid IPv6"},
      {"http://::1/", "empty host"},
      {"http://127.1/", "invalid IPv4"},
      {"http://0x7f.0.0.1/", "invalid IPv4"},
      {"http://127.0.0.0x1/", "invalid IPv4"},
      {"http://2130706433/", "invalid IPv4"},
      {"http://127.0.0.01/", "invalid IPv4"},
      {"http://256.0.0.1/", "invalid IPv4"},
      {"http://1.2.3.4.5/", "invalid IPv4"},
      {"http://example.123/", "invalid IPv4"},
      {"http://-example.com/", "invalid host name"},
      {"http://example-.com/", "invalid host name"},
      {"http://exa..mple.com/", "invalid host name"},
      {"http://.example.com/", "invalid host name"},
      {"http://example.com./", "invalid host name"},
      {"http://ex%41mple.com/", "invalid host name"},
      {"http://ex!ample.com/", "invalid host name"},
      {"http://" + std::string(64, 'a') + ".com/", "invalid host name"},
      {"http://" + labels(5, 50) + "/", "host name too long"}, // 254 characters
      {"http://example.com/%zz", "percent-escape"},
      {"http://example.com/%4", "percent-escape"},
      {"http://example.com/%", "percent-escape"},
      {"http://example.com/a<b", "invalid character"},
      {"http://example.com/{x}", "invalid character"},
      {"http://example.com/a|b", "invalid character"},
      {"http://example.com/a\"b", "invalid character"},
      {"http://example.com/a^b", "invalid character"},
      {"http://example.com/a`b", "invalid character"},
      {"http://example.com/" + std::string(5000, 'a'), "too long"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto r = parse_url(c.text);
    CHECK_FALSE(r);
    CHECK_THAT(r.error, Catch::Contains(c.error_contains));
  }
}

TEST_CASE("url helpers: bare host, Host header, origin", "[url]") {
  auto v6 = *parse_url("https://[::1]:8443/x").value;
  CHECK(v6.is_https());
  CHECK(v6.is_ipv6_literal());
  CHECK(v6.bare_host() == "::1");
  CHECK(v6.host_header() == "[::1]:8443");
  CHECK(v6.origin() == "https://[::1]:8443");

  auto plain = *parse_url("http://Example.com:80/a?b").value;
  CHECK_FALSE(plain.is_https());
  CHECK_FALSE(plain.is_ipv6_literal());
  CHECK(plain.bare_host() == "example.com");
  CHECK(plain.host_header() == "example.com");
  CHECK(plain.origin() == "http://example.com:80");

  CHECK(parse_url("https://example.com:443/").value->host_header() == "example.com");
  CHECK(parse_url("https://example.com:80/").value->host_header() == "example.com:80");
}

#include "policy/address_policy.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace hookd::policy;

namespace {

ip_address addr(const std::string& text) {
  auto a = ip_address::parse(text);
  INFO(text);
  REQUIRE(a);
  return *a;
}

cidr net(const std::string& text) {
  auto c = cidr::parse(text);
  INFO(text);
  REQUIRE(std::holds_alternative<cidr>(c));
  return std::get<cidr>(c);
}

std::string cidr_error(const std::string& text) {
  auto c = cidr::parse(text);
  return std::holds_alternative<std::string>(c) ? std::get<std::string>(c) : "";
}

} // namespace

TEST_CASE("addresses parse from their strict text forms only", "[policy][address]") {
  struct row {
    const char* text;
    bool ok;
    const char* canonical; ///< to_string() when ok
  };
  const row table[] = {
      {"127.0.0.1", true, "127.0.0.1"},
      {"0.0.0.0", true, "0.0.0.0"},
      {"255.255.255.255", true, "255.255.255.255"},
      {"::1", true, "::1"},
      {"::", true, "::"},
      {"::FFFF:127.0.0.1", true, "::ffff:127.0.0.1"},
      {"::ffff:7f00:1", true, "::ffff:127.0.0.1"},
      {"2001:DB8:0:0:0:0:0:1", true, "2001:db8::1"},
      {"64:ff9b::7f00:1", true, "64:ff9b::7f00:1"},
      // Not accepted: other IPv4 spellings, brackets, zone ids, junk.
      {"2130706433", false, ""},
      {"0x7f000001", false, ""},
      {"0x7f.0.0.1", false, ""},
      {"0177.0.0.1", false, ""},
      {"127.1", false, ""},
      {"127.0.0.01", false, ""},
      {"256.0.0.1", false, ""},
      {"1.2.3.4.", false, ""},
      {"1.2.3.4.5", false, ""},
      {" 1.2.3.4", false, ""},
      {"[::1]", false, ""},
      {"fe80::1%eth0", false, ""},
      {"::ffff:127.0.0.01", false, ""},
      {"::ffff:0x7f.0.0.1", false, ""},
      {"1:2:3:4:5:6:7:8:9", false, ""},
      {"", false, ""},
      {"localhost", false, ""},
  };
  for (const auto& r : table) {
    INFO(r.text);
    auto a = ip_address::parse(r.text);
    CHECK(a.has_value() == r.ok);
    if (a && r.ok)
      CHECK(a->to_string() == r.canonical);
  }
}

TEST_CASE("addresses are classified by their special-purpose range", "[policy][address]") {
  using k = address_kind;
  struct row {
    const char* address;
    address_kind kind;
    const char* range;
    const char* via;
  };
  const row table[] = {
      // IPv4
      {"0.0.0.0", k::unspecified, "0.0.0.0/8", ""},
      {"0.255.255.255", k::unspecified, "0.0.0.0/8", ""},
      {"10.0.0.1", k::private_use, "10.0.0.0/8", ""},
      {"10.255.255.255", k::private_use, "10.0.0.0/8", ""},
      {"11.0.0.1", k::global, "", ""},
      {"100.63.255.255", k::global, "", ""},
      {"100.64.0.1", k::shared, "100.64.0.0/10", ""},
      {"100.127.255.255", k::shared, "100.64.0.0/10", ""},
      {"100.128.0.0", k::global, "", ""},
      {"127.0.0.1", k::loopback, "127.0.0.0/8", ""},
      {"127.255.255.254", k::loopback, "127.0.0.0/8", ""},
      {"169.254.169.254", k::link_local, "169.254.0.0/16", ""},
      {"172.15.255.255", k::global, "", ""},
      {"172.16.0.1", k::private_use, "172.16.0.0/12", ""},
      {"172.31.255.255", k::private_use, "172.16.0.0/12", ""},
      {"172.32.0.0", k::global, "", ""},
      {"192.0.0.8", k::protocol_assignments, "192.0.0.0/24", ""},
      {"192.0.1.1", k::global, "", ""},
      {"192.0.2.1", k::documentation, "192.0.2.0/24", ""},
      {"192.88.99.1", k::reserved, "192.88.99.0/24", ""},
      {"192.167.255.255", k::global, "", ""},
      {"192.168.1.1", k::private_use, "192.168.0.0/16", ""},
      {"192.169.0.0", k::global, "", ""},
      {"198.17.255.255", k::global, "", ""},
      {"198.18.0.1", k::benchmarking, "198.18.0.0/15", ""},
      {"198.19.255.255", k::benchmarking, "198.18.0.0/15", ""},
      {"198.20.0.0", k::global, "", ""},
      {"198.51.100.7", k::documentation, "198.51.100.0/24", ""},
      {"203.0.113.9", k::documentation, "203.0.113.0/24", ""},
      {"223.255.255.255", k::global, "", ""},
      {"224.0.0.1", k::multicast, "224.0.0.0/4", ""},
      {"239.255.255.250", k::multicast, "224.0.0.0/4", ""},
      {"240.0.0.1", k::reserved, "240.0.0.0/4", ""},
      {"255.255.255.255", k::reserved, "240.0.0.0/4", ""},
      {"8.8.8.8", k::global, "", ""},
      {"93.184.216.34", k::global, "", ""},
      // IPv6
      {"::", k::unspecified, "::/128", ""},
      {"::1", k::loopback, "::1/128", ""},
      {"fc00::1", k::private_use, "fc00::/7", ""},
      {"fd00::1", k::private_use, "fc00::/7", ""},
      {"fe80::1", k::link_local, "fe80::/10", ""},
      {"febf::1", k::link_local, "fe80::/10", ""},
      {"fec0::1", k::private_use, "fec0::/10", ""},
      {"ff02::1", k::multicast, "ff00::/8", ""},
      {"ff0e::1", k::multicast, "ff00::/8", ""},
      {"100::1", k::reserved, "100::/64", ""},
      {"2001:db8::1", k::documentation, "2001:db8::/32", ""},
      {"3fff::1", k::documentation, "3fff::/20", ""},
      {"2001::1", k::protocol_assignments, "2001::/23", ""},
      {"2001:2::1", k::benchmarking, "2001:2::/48", ""},
      {"64:ff9b:1::1", k::private_use, "64:ff9b:1::/48", ""},
      {"1234::1", k::reserved, "outside 2000::/3", ""},
      {"4000::1", k::reserved, "outside 2000::/3", ""},
      {"2606:4700::1111", k::global, "", ""},
      {"2a00:1450:4001::1", k::global, "", ""},
      // IPv6 forms carrying an IPv4 address: judged by the IPv4 address.
      {"::ffff:127.0.0.1", k::loopback, "127.0.0.0/8", "IPv4-mapped"},
      {"::ffff:10.1.2.3", k::private_use, "10.0.0.0/8", "IPv4-mapped"},
      {"::ffff:169.254.169.254", k::link_local, "169.254.0.0/16", "IPv4-mapped"},
      {"::ffff:0.0.0.0", k::unspecified, "0.0.0.0/8", "IPv4-mapped"},
      {"::ffff:8.8.8.8", k::global, "", "IPv4-mapped"},
      {"::ffff:0:127.0.0.1", k::loopback, "127.0.0.0/8", "IPv4-translated"},
      {"::127.0.0.1", k::loopback, "127.0.0.0/8", "IPv4-compatible"},
      {"::0.0.0.2", k::unspecified, "0.0.0.0/8", "IPv4-compatible"},
      {"::8.8.8.8", k::global, "", "IPv4-compatible"},
      {"64:ff9b::127.0.0.1", k::loopback, "127.0.0.0/8", "NAT64"},
      {"64:ff9b::a9fe:a9fe", k::link_local, "169.254.0.0/16", "NAT64"},
      {"64:ff9b::8.8.8.8", k::global, "", "NAT64"},
      {"2002:7f00:1::1", k::loopback, "127.0.0.0/8", "6to4"},
      {"2002:c0a8:101::", k::private_use, "192.168.0.0/16", "6to4"},
      {"2002:808:808::1", k::global, "", "6to4"},
  };
  for (const auto& r : table) {
    INFO(r.address);
    const auto c = classify(addr(r.address));
    CHECK(to_string(c.kind) == to_string(r.kind));
    CHECK(c.range == r.range);
    CHECK(c.via == r.via);
  }
}

TEST_CASE("embedded IPv4 addresses are extracted", "[policy][address]") {
  CHECK(addr("::ffff:127.0.0.1").embedded_v4() == addr("127.0.0.1"));
  CHECK(addr("64:ff9b::a00:1").embedded_v4() == addr("10.0.0.1"));
  CHECK(addr("2002:a00:1::").embedded_v4() == addr("10.0.0.1"));
  CHECK_FALSE(addr("::1").embedded_v4());
  CHECK_FALSE(addr("::").embedded_v4());
  CHECK_FALSE(addr("127.0.0.1").embedded_v4());
  CHECK_FALSE(addr("2606:4700::1111").embedded_v4());
}

TEST_CASE("CIDRs parse strictly", "[policy][address]") {
  CHECK(net("10.1.0.0/16").to_string() == "10.1.0.0/16");
  CHECK(net("fd00::/8").to_string() == "fd00::/8");
  CHECK(net("127.0.0.1/32").prefix == 32);
  CHECK(net("::1/128").prefix == 128);
  CHECK(net("0.0.0.0/0").prefix == 0);
  CHECK(net("::/0").network.v6);

  struct row {
    const char* text;
    const char* mentions;
  };
  const row bad[] = {
      {"10.1.0.0", "prefix length"},
      {"10.1.0.0/", "prefix length must be 0..32"},
      {"10.1.0.0/33", "prefix length must be 0..32"},
      {"fd00::/129", "prefix length must be 0..128"},
      {"10.1.0.0/-1", "prefix length"},
      {"10.1.0.0/08", "prefix length"},
      {"10.1.0.0/16/8", "prefix length"},
      {"10.1.2.3/16", "did you mean 10.1.0.0/16?"},
      {"fd00::1/8", "did you mean fd00::/8?"},
      {"10.1/16", "not an IPv4"},
      {"0x0a000000/8", "not an IPv4"},
      {"[fd00::]/8", "not an IPv4"},
      {"example.com/24", "not an IPv4"},
      {"", "prefix length"},
  };
  for (const auto& r : bad) {
    INFO(r.text);
    CHECK_THAT(cidr_error(r.text), Catch::Contains(r.mentions));
  }
}

TEST_CASE("CIDR membership", "[policy][address]") {
  struct row {
    const char* network;
    const char* address;
    bool inside;
  };
  const row table[] = {
      {"10.1.0.0/16", "10.1.0.0", true},
      {"10.1.0.0/16", "10.1.255.255", true},
      {"10.1.0.0/16", "10.2.0.0", false},
      {"10.1.0.0/16", "10.0.255.255", false},
      {"172.16.0.0/12", "172.31.1.1", true},
      {"172.16.0.0/12", "172.32.1.1", false},
      {"127.0.0.1/32", "127.0.0.1", true},
      {"127.0.0.1/32", "127.0.0.2", false},
      {"0.0.0.0/0", "203.0.113.1", true},
      {"fd00::/8", "fd12:3456::1", true},
      {"fd00::/8", "fc00::1", false},
      {"fe80::/10", "febf::1", true},
      {"fe80::/10", "fec0::1", false},
      {"10.0.0.0/8", "::ffff:10.0.0.1", false}, // contains() is per family; see the policy
      {"::/0", "10.0.0.1", false},
  };
  for (const auto& r : table) {
    INFO(r.network << " ∋ " << r.address);
    CHECK(net(r.network).contains(addr(r.address)) == r.inside);
  }
}

TEST_CASE("the policy refuses every special range unless told otherwise", "[policy][address]") {
  const std::vector<std::string> refused = {
      "127.0.0.1",
      "10.0.0.1",
      "172.16.0.1",
      "192.168.0.1",
      "169.254.169.254",
      "100.64.0.1",
      "224.0.0.1",
      "0.0.0.0",
      "255.255.255.255",
      "240.0.0.1",
      "192.0.0.1",
      "198.18.0.1",
      "192.0.2.1",
      "::1",
      "::",
      "fe80::1",
      "fd00::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:10.0.0.1",
      "::127.0.0.1",
      "64:ff9b::7f00:1",
      "2002:7f00:1::1",
      "2001:db8::1",
  };
  const std::vector<std::string> allowed = {"8.8.8.8",        "1.1.1.1",
                                            "93.184.216.34",  "2606:4700::1111",
                                            "::ffff:8.8.8.8", "64:ff9b::808:808"};

  SECTION("defaults") {
    const address_policy p;
    for (const auto& a : refused) {
      INFO(a);
      CHECK_FALSE(p.allows(addr(a)));
    }
    for (const auto& a : allowed) {
      INFO(a);
      CHECK(p.allows(addr(a)));
    }
  }
  SECTION("allow_private_targets allows them all") {
    const address_policy p{true, {}};
    for (const auto& a : refused) {
      INFO(a);
      CHECK(p.allows(addr(a)));
    }
    for (const auto& a : allowed)
      CHECK(p.allows(addr(a)));
  }
}

TEST_CASE("allow_cidrs opens exactly the listed ranges", "[policy][address]") {
  const auto p = address_policy::from_config(false, {"10.1.0.0/16", "127.0.0.0/8", "fd00:1::/32"});
  REQUIRE(p.allow_cidrs().size() == 3);
  struct row {
    const char* address;
    bool allowed;
  };
  const row table[] = {
      {"10.1.2.3", true},
      {"10.2.0.1", false},
      {"127.0.0.1", true},
      {"127.1.2.3", true},
      {"::ffff:127.0.0.1", true}, // an IPv4 CIDR covers the mapped form
      {"::ffff:10.1.0.9", true},
      {"::ffff:10.9.0.9", false},
      {"64:ff9b::a01:203", true}, // NAT64 of 10.1.2.3
      {"::1", false},             // IPv6 loopback is not 127.0.0.0/8
      {"fd00:1::5", true},
      {"fd00:2::5", false},
      {"169.254.169.254", false},
      {"8.8.8.8", true}, // global addresses stay allowed
  };
  for (const auto& r : table) {
    INFO(r.address);
    CHECK(p.allows(addr(r.address)) == r.allowed);
  }

  SECTION("an IPv6 CIDR over the mapped range covers plain IPv4") {
    const auto q = address_policy::from_config(false, {"::ffff:192.168.0.0/112"});
    CHECK(q.allows(addr("192.168.4.4")));
    CHECK_FALSE(q.allows(addr("10.0.0.1")));
  }
  SECTION("malformed entries are skipped (config validation refuses them first)") {
    const auto q = address_policy::from_config(false, {"nonsense", "10.0.0.0/8"});
    CHECK(q.allow_cidrs().size() == 1);
    CHECK(q.allows(addr("10.0.0.1")));
  }
}

TEST_CASE("verdicts describe the address and its range", "[policy][address]") {
  const address_policy p;
  auto describe_of = [&](const char* text) {
    const auto a = addr(text);
    return describe(a, p.check(a).cls);
  };
  CHECK(describe_of("127.0.0.1") == "127.0.0.1 is a loopback address (127.0.0.0/8)");
  CHECK(describe_of("::ffff:10.0.0.1") ==
        "::ffff:10.0.0.1 is a private address (IPv4-mapped 10.0.0.1, in 10.0.0.0/8)");
  CHECK(describe_of("0.0.0.0") == "0.0.0.0 is an unspecified address (0.0.0.0/8)");
  CHECK(describe_of("100.64.0.1") ==
        "100.64.0.1 is a shared (carrier-grade NAT) address (100.64.0.0/10)");
  CHECK(describe_of("8.8.8.8") == "8.8.8.8 is a global address");
  CHECK_FALSE(p.check(addr("::1")).allowed);
  CHECK(p.check(addr("::1")).cls.kind == address_kind::loopback);
}

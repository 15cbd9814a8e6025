#pragma once
// The SSRF guard's rule (docs/security.md, docs/security.md): which IP addresses an endpoint may be
// delivered to. Pure: addresses are plain values (text or bytes in), no sockets or resolver.
//
// Promises:
// - `classify` names the special-purpose range an address belongs to, or `global`. IPv4-mapped
//   (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64
//   (64:ff9b::/96) and 6to4 (2002::/16) addresses are judged by the IPv4 address inside them.
//   IPv6 outside 2000::/3 (global unicast) is `reserved` unless one of the rules above applies.
// - `address_policy::check` allows every `global` address; any other is allowed only when
//   `allow_private_targets` is on or an `allow_cidrs` entry contains it (an IPv4 CIDR also
//   contains IPv6 addresses whose embedded IPv4 address is inside it).
// - Parsing never throws; bad text gives nullopt (or an error string for CIDRs).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hookd::policy {

/// An IPv4 or IPv6 address as bytes (network order). IPv4 uses the first 4 bytes.
struct ip_address {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};

  static ip_address from_v4(const std::array<std::uint8_t, 4>& b);
  static ip_address from_v6(const std::array<std::uint8_t, 16>& b);
  /// "192.0.2.1" (strict dotted quad: four decimal parts, no leading zeros), "2001:db8::1",
  /// "::ffff:127.0.0.1". No brackets, no zone ids ("fe80::1%eth0"), no other IPv4 spellings.
  static std::optional<ip_address> parse(std::string_view text);

  std::size_t size() const { return v6 ? 16 : 4; }
  /// Canonical text: "127.0.0.1", "::ffff:127.0.0.1", "fe80::1".
  std::string to_string() const;
  /// The IPv4 address carried inside an IPv4-mapped/-translated/-compatible, NAT64 or 6to4
  /// IPv6 address; nullopt for IPv4 addresses and other IPv6 addresses.
  std::optional<ip_address> embedded_v4() const;

  friend bool operator==(const ip_address&, const ip_address&) = default;
};

/// What kind of address it is. Everything but `global` is refused by default.
enum class address_kind : std::uint8_t {
  global,               ///< ordinary public unicast
  unspecified,          ///< 0.0.0.0/8, ::
  loopback,             ///< 127.0.0.0/8, ::1
  private_use,          ///< 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10
  shared,               ///< 100.64.0.0/10 (carrier-grade NAT)
  link_local,           ///< 169.254.0.0/16, fe80::/10
  multicast,            ///< 224.0.0.0/4, ff00::/8
  reserved,             ///< 240.0.0.0/4 (incl. 255.255.255.255), unallocated IPv6, 100::/64
  protocol_assignments, ///< 192.0.0.0/24, 2001::/23 parts (Teredo, ...)
  benchmarking,         ///< 198.18.0.0/15, 2001:2::/48
  documentation,        ///< 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32
};

/// "global", "unspecified", "loopback", "private", "shared (CGNAT)", "link-local", ...
std::string_view to_string(address_kind kind);

struct address_class {
  address_kind kind = address_kind::global;
  std::string_view range; ///< the matching range, "127.0.0.0/8"; empty for `global`
  std::string_view via;   ///< "IPv4-mapped", "NAT64", ... when judged by the embedded IPv4
};

address_class classify(const ip_address& a);

/// A network in CIDR notation: "10.1.0.0/16", "fd00::/8".
struct cidr {
  ip_address network;
  int prefix = 0;

  /// Refuses: a missing or out-of-range "/prefix", bad addresses, and host bits set after the
  /// prefix ("10.1.2.3/16"), which is almost always a typo. The error says what is wrong.
  static std::variant<cidr, std::string> parse(std::string_view text);

  /// Same family and the first `prefix` bits equal.
  bool contains(const ip_address& a) const;
  std::string to_string() const;
};

struct address_verdict {
  bool allowed = true;
  address_class cls;
};

class address_policy {
public:
  address_policy() = default;
  address_policy(bool allow_private_targets, std::vector<cidr> allow_cidrs);
  /// From configuration text; malformed CIDRs are skipped (config validation refuses them).
  static address_policy from_config(bool allow_private_targets,
                                    const std::vector<std::string>& allow_cidrs);

  address_verdict check(const ip_address& a) const;
  bool allows(const ip_address& a) const { return check(a).allowed; }

  bool allow_private_targets() const { return allow_private_; }
  const std::vector<cidr>& allow_cidrs() const { return cidrs_; }

private:
  bool in_allow_list(const ip_address& a) const;

  bool allow_private_ = false;
  std::vector<cidr> cidrs_;
};

/// One line for humans: "127.0.0.1 is a loopback address (127.0.0.0/8)";
/// "::ffff:10.0.0.1 is a private address (IPv4-mapped, 10.0.0.0/8)".
std::string describe(const ip_address& a, const address_class& c);

} // namespace hookd::policy

#include "policy/address_policy.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace hookd::policy {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Four decimal parts 0..255 without leading zeros: the only IPv4 spelling accepted.
std::optional<std::array<std::uint8_t, 4>> parse_v4(std::string_view s) {
  std::array<std::uint8_t, 4> out{};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto dot = s.find('.');
    if ((dot == std::string_view::npos) != (i == 3))
      return std::nullopt;
    const auto part = s.substr(0, dot);
    if (!all_digits(part) || part.size() > 3 || (part.size() > 1 && part.front() == '0'))
      return std::nullopt;
    unsigned value = 0;
    std::from_chars(part.data(), part.data() + part.size(), value);
    if (value > 255)
      return std::nullopt;
    out[i] = static_cast<std::uint8_t>(value);
    if (dot != std::string_view::npos)
      s.remove_prefix(dot + 1);
  }
  return out;
}

std::optional<std::array<std::uint8_t, 16>> parse_v6(std::string_view s) {
  const auto ok = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
           c == '.';
  };
  if (s.empty() || s.size() > 45 || !std::all_of(s.begin(), s.end(), ok))
    return std::nullopt;
  const std::string text(s);
  std::array<std::uint8_t, 16> out{};
  if (inet_pton(AF_INET6, text.c_str(), out.data()) != 1)
    return std::nullopt;
  // inet_pton is lenient about the dotted tail ("::ffff:1.2.3.04" on some libcs); hold it to
  // the same strict form as a plain IPv4 address.
  if (const auto colon = s.rfind(':');
      s.find('.') != std::string_view::npos && !parse_v4(s.substr(colon + 1)))
    return std::nullopt;
  return out;
}

/// True when the first `bits` bits of `a` equal those of `net` (same length arrays).
bool prefix_equal(const std::uint8_t* a, const std::uint8_t* net, int bits) {
  int i = 0;
  for (; bits >= 8; bits -= 8, ++i)
    if (a[i] != net[i])
      return false;
  if (bits == 0)
    return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
  return (a[i] & mask) == (net[i] & mask);
}

struct range_row {
  std::array<std::uint8_t, 16> net;
  int prefix;
  address_kind kind;
  std::string_view text;
};

constexpr range_row v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, int prefix, address_kind k,
                       std::string_view text) {
  return {{a, b, c, 0}, prefix, k, text};
}

using k = address_kind;

/// IANA IPv4 special-purpose ranges (RFC 6890 and updates) that are not globally reachable,
/// plus multicast, 240/4 and the documentation ranges. First match wins.
constexpr range_row v4_ranges[] = {
    v4(0, 0, 0, 8, k::unspecified, "0.0.0.0/8"),
    v4(10, 0, 0, 8, k::private_use, "10.0.0.0/8"),
    v4(100, 64, 0, 10, k::shared, "100.64.0.0/10"),
    v4(127, 0, 0, 8, k::loopback, "127.0.0.0/8"),
    v4(169, 254, 0, 16, k::link_local, "169.254.0.0/16"),
    v4(172, 16, 0, 12, k::private_use, "172.16.0.0/12"),
    v4(192, 0, 0, 24, k::protocol_assignments, "192.0.0.0/24"),
    v4(192, 0, 2, 24, k::documentation, "192.0.2.0/24"),
    v4(192, 88, 99, 24, k::reserved, "192.88.99.0/24"),
    v4(192, 168, 0, 16, k::private_use, "192.168.0.0/16"),
    v4(198, 18, 0, 15, k::benchmarking, "198.18.0.0/15"),
    v4(198, 51, 100, 24, k::documentation, "198.51.100.0/24"),
    v4(203, 0, 113, 24, k::documentation, "203.0.113.0/24"),
    v4(224, 0, 0, 4, k::multicast, "224.0.0.0/4"),
    v4(240, 0, 0, 4, k::reserved, "240.0.0.0/4"),
};

/// IPv6 ranges checked after ::, ::1 and the IPv4-embedding forms.
constexpr range_row v6_ranges[] = {
    {{0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48, k::private_use, "64:ff9b:1::/48"},
    {{0x01, 0x00}, 64, k::reserved, "100::/64"},
    {{0x20, 0x01, 0x00, 0x02, 0x00, 0x00}, 48, k::benchmarking, "2001:2::/48"},
    {{0x20, 0x01, 0x00, 0x00}, 23, k::protocol_assignments, "2001::/23"},
    {{0x20, 0x01, 0x0d, 0xb8}, 32, k::documentation, "2001:db8::/32"},
    {{0x3f, 0xff, 0x00}, 20, k::documentation, "3fff::/20"},
    {{0xfc}, 7, k::private_use, "fc00::/7"},
    {{0xfe, 0x80}, 10, k::link_local, "fe80::/10"},
    {{0xfe, 0xc0}, 10, k::private_use, "fec0::/10"},
    {{0xff}, 8, k::multicast, "ff00::/8"},
};

struct embedding {
  std::array<std::uint8_t, 16> net;
  int prefix;
  std::size_t offset; ///< where the IPv4 address starts
  std::string_view via;
};

/// IPv6 forms that carry an IPv4 address, judged by it. ::/96 comes last (it is the widest).
constexpr embedding embeddings[] = {
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96, 12, "IPv4-mapped"},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0}, 96, 12, "IPv4-translated"},
    {{0x00, 0x64, 0xff, 0x9b}, 96, 12, "NAT64"},
    {{0x20, 0x02}, 16, 2, "6to4"},
    {{}, 96, 12, "IPv4-compatible"},
};

const embedding* embedding_of(const ip_address& a) {
  if (!a.v6)
    return nullptr;
  for (const auto& e : embeddings)
    if (prefix_equal(a.bytes.data(), e.net.data(), e.prefix))
      return &e;
  return nullptr;
}

ip_address v4_at(const ip_address& a, std::size_t offset) {
  return ip_address::from_v4(
      {a.bytes[offset], a.bytes[offset + 1], a.bytes[offset + 2], a.bytes[offset + 3]});
}

address_class match(const ip_address& a, const range_row* first, const range_row* last) {
  for (const auto* r = first; r != last; ++r)
    if (prefix_equal(a.bytes.data(), r->net.data(), r->prefix))
      return {r->kind, r->text, {}};
  return {};
}

struct kind_text {
  std::string_view name;
  std::string_view article;
};

kind_text text_of(address_kind kind) {
  switch (kind) {
    case k::global:
      return {"global", "a"};
    case k::unspecified:
      return {"unspecified", "an"};
    case k::loopback:
      return {"loopback", "a"};
    case k::private_use:
      return {"private", "a"};
    case k::shared:
      return {"shared (carrier-grade NAT)", "a"};
    case k::link_local:
      return {"link-local", "a"};
    case k::multicast:
      return {"multicast", "a"};
    case k::reserved:
      return {"reserved", "a"};
    case k::protocol_assignments:
      return {"IETF protocol assignment", "an"};
    case k::benchmarking:
      return {"benchmarking", "a"};
    case k::documentation:
      return {"documentation", "a"};
  }
  return {"unknown", "an"};
}

} // namespace

// ---- ip_address ---------------------------------------------------------------------------

ip_address ip_address::from_v4(const std::array<std::uint8_t, 4>& b) {
  ip_address a;
  std::copy(b.begin(), b.end(), a.bytes.begin());
  return a;
}

ip_address ip_address::from_v6(const std::array<std::uint8_t, 16>& b) {
  ip_address a;
  a.v6 = true;
  a.bytes = b;
  return a;
}

std::optional<ip_address> ip_address::parse(std::string_view text) {
  if (text.find(':') != std::string_view::npos) {
    if (auto b = parse_v6(text))
      return from_v6(*b);
    return std::nullopt;
  }
  if (auto b = parse_v4(text))
    return from_v4(*b);
  return std::nullopt;
}

std::string ip_address::to_string() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buffer, sizeof buffer);
  return buffer;
}

std::optional<ip_address> ip_address::embedded_v4() const {
  // :: and ::1 are IPv6's own unspecified and loopback addresses, not IPv4-compatible ones.
  static const ip_address any = from_v6({});
  static const ip_address one = from_v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  if (*this == any || *this == one)
    return std::nullopt;
  if (const embedding* e = embedding_of(*this))
    return v4_at(*this, e->offset);
  return std::nullopt;
}

// ---- classification -------------------------------------------------------------------------

std::string_view to_string(address_kind kind) {
  return text_of(kind).name;
}

address_class classify(const ip_address& a) {
  if (!a.v6)
    return match(a, std::begin(v4_ranges), std::end(v4_ranges));
  if (std::all_of(a.bytes.begin(), a.bytes.end(), [](std::uint8_t b) { return b == 0; }))
    return {k::unspecified, "::/128", {}};
  if (std::all_of(a.bytes.begin(), a.bytes.begin() + 15, [](std::uint8_t b) { return b == 0; }) &&
      a.bytes[15] == 1)
    return {k::loopback, "::1/128", {}};
  if (const embedding* e = embedding_of(a)) {
    address_class inner = classify(v4_at(a, e->offset));
    inner.via = e->via;
    return inner;
  }
  if (auto c = match(a, std::begin(v6_ranges), std::end(v6_ranges)); c.kind != k::global)
    return c;
  if ((a.bytes[0] & 0xe0) != 0x20) // not global unicast 2000::/3: unallocated or special
    return {k::reserved, "outside 2000::/3", {}};
  return {};
}

std::string describe(const ip_address& a, const address_class& c) {
  const auto t = text_of(c.kind);
  std::string out =
      a.to_string() + " is " + std::string(t.article) + " " + std::string(t.name) + " address";
  if (c.kind == k::global)
    return out;
  out += " (";
  if (!c.via.empty()) {
    if (auto inner = a.embedded_v4())
      out += std::string(c.via) + " " + inner->to_string() + ", in ";
  }
  return out + std::string(c.range) + ")";
}

// ---- cidr ---------------------------------------------------------------------------------

std::variant<cidr, std::string> cidr::parse(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos)
    return std::string("must be a CIDR with a prefix length, like 10.1.0.0/16 or fd00::/8");
  const auto address = ip_address::parse(text.substr(0, slash));
  if (!address)
    return "\"" + std::string(text.substr(0, slash)) +
           "\" is not an IPv4 (dotted quad) or IPv6 address";
  const auto digits = text.substr(slash + 1);
  const int max = address->v6 ? 128 : 32;
  int prefix = -1;
  if (all_digits(digits) && digits.size() <= 3 && (digits.size() == 1 || digits.front() != '0'))
    std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
  if (prefix < 0 || prefix > max)
    return "prefix length must be 0.." + std::to_string(max) + ", got \"/" + std::string(digits) +
           "\"";
  cidr out;
  out.network = *address;
  out.prefix = prefix;
  // Clear the host bits; if that changed anything the operator probably meant something else.
  cidr masked = out;
  for (std::size_t i = 0; i < masked.network.size(); ++i) {
    const int bits = std::clamp(prefix - static_cast<int>(i) * 8, 0, 8);
    masked.network.bytes[i] &= static_cast<std::uint8_t>(bits == 0 ? 0 : 0xff << (8 - bits));
  }
  if (!(masked.network == out.network))
    return "host bits are set after the prefix (did you mean " + masked.to_string() + "?)";
  return out;
}

bool cidr::contains(const ip_address& a) const {
  return a.v6 == network.v6 && prefix_equal(a.bytes.data(), network.bytes.data(), prefix);
}

std::string cidr::to_string() const {
  return network.to_string() + "/" + std::to_string(prefix);
}

// ---- address_policy -----------------------------------------------------------------------

address_policy::address_policy(bool allow_private_targets, std::vector<cidr> allow_cidrs)
    : allow_private_(allow_private_targets), cidrs_(std::move(allow_cidrs)) {}

address_policy address_policy::from_config(bool allow_private_targets,
                                           const std::vector<std::string>& allow_cidrs) {
  std::vector<cidr> parsed;
  for (const auto& text : allow_cidrs)
    if (auto c = cidr::parse(text); std::holds_alternative<cidr>(c))
      parsed.push_back(std::get<cidr>(c));
  return {allow_private_targets, std::move(parsed)};
}

bool address_policy::in_allow_list(const ip_address& a) const {
  const auto inner = a.embedded_v4();
  std::optional<ip_address> mapped;
  if (!a.v6) {
    std::array<std::uint8_t, 16> b{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    std::copy(a.bytes.begin(), a.bytes.begin() + 4, b.begin() + 12);
    mapped = ip_address::from_v6(b);
  }
  return std::any_of(cidrs_.begin(), cidrs_.end(), [&](const cidr& c) {
    return c.contains(a) || (inner && c.contains(*inner)) || (mapped && c.contains(*mapped));
  });
}

address_verdict address_policy::check(const ip_address& a) const {
  address_verdict v;
  v.cls = classify(a);
  v.allowed = v.cls.kind == k::global || allow_private_ || in_allow_list(a);
  return v;
}

} // namespace hookd::policy

#include "policy/inbound_verification.hpp"

#include "policy/hex.hpp"
#include "policy/ows.hpp"
#include "policy/signing.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <stdexcept>
#include <vector>

namespace hookd::policy {
namespace {

constexpr std::size_t digest_size = 32; // HMAC-SHA256
constexpr std::string_view sha256_prefix = "sha256=";
constexpr std::string_view standard_prefix = "whsec_";

constexpr std::array<std::string_view, 5> kind_names{"typeform", "github", "stripe", "standard",
                                                     "token"};
constexpr std::array<std::string_view, 5> verdict_names{
    "ok", "missing_signature", "malformed_signature", "bad_signature", "stale_timestamp"};

// --- reading the request -------------------------------------------------------------------

/// A header's value without surrounding whitespace; empty when absent.
std::string_view header(const inbound_request& req, std::string_view name) {
  return req.header ? trim_ows(req.header(name)) : std::string_view{};
}

/// The non-empty pieces of `s` between `sep`s, each trimmed.
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> pieces;
  while (!s.empty()) {
    const auto end = std::min(s.find(sep), s.size());
    if (const auto piece = trim_ows(s.substr(0, end)); !piece.empty())
      pieces.push_back(piece);
    s.remove_prefix(std::min(end + 1, s.size()));
  }
  return pieces;
}

// --- decoding signatures and timestamps ----------------------------------------------------

/// The raw digest written as hex (either case); nullopt unless exactly 32 bytes' worth.
std::optional<std::string> hex_digest(std::string_view text) {
  if (text.size() != 2 * digest_size)
    return std::nullopt;
  std::string out(digest_size, '\0');
  for (std::size_t i = 0; i < digest_size; ++i) {
    const int hi = hex_digit(text[2 * i]);
    const int lo = hex_digit(text[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

/// The raw digest written as base64; nullopt unless it decodes to exactly 32 bytes.
std::optional<std::string> base64_digest(std::string_view text) {
  auto bytes = base64_decode(text);
  if (!bytes || bytes->size() != digest_size)
    return std::nullopt;
  return bytes;
}

/// Unix seconds written as decimal digits; nullopt when not a number. Values too large for an
/// int64 saturate (they are then simply stale).
std::optional<std::int64_t> parse_unix_seconds(std::string_view text) {
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range)
    return std::numeric_limits<std::int64_t>::max();
  return value;
}

/// |now - signed time| <= tolerance, without overflow for any inputs.
bool within_tolerance(std::int64_t unix_seconds, time_point now, duration tolerance) {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  const std::int64_t signed_ms = unix_seconds > max / 1000 ? max : unix_seconds * 1000;
  const std::int64_t now_ms = to_unix_ms(now);
  // Unsigned subtraction is exact here: the true difference lies in [0, 2^64).
  const std::uint64_t gap =
      signed_ms >= now_ms
          ? static_cast<std::uint64_t>(signed_ms) - static_cast<std::uint64_t>(now_ms)
          : static_cast<std::uint64_t>(now_ms) - static_cast<std::uint64_t>(signed_ms);
  return gap <= static_cast<std::uint64_t>(std::max<std::int64_t>(tolerance.count(), 0));
}

// --- comparing -----------------------------------------------------------------------------

/// Equality in time independent of where the bytes differ. Lengths are not secret here (digests
/// have a fixed size; tokens are hashed first), so unequal lengths return at once.
bool same_bytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

/// The configured secrets, current first; empty ones never match, so they are left out.
std::vector<std::string_view> usable(const inbound_secrets& secrets) {
  std::vector<std::string_view> out;
  for (auto secret : {secrets.current, secrets.previous})
    if (!secret.empty())
      out.push_back(secret);
  return out;
}

// --- HMAC kinds ----------------------------------------------------------------------------

/// What a well-formed signature header claims: the content signed, the digests offered for it
/// (raw bytes; any one may match), and, for the kinds that sign one, the time of signing.
struct claim {
  std::vector<std::string_view> signed_parts;
  std::vector<std::string> digests;
  std::optional<std::int64_t> unix_seconds;
};

using digest_decoder = std::optional<std::string> (*)(std::string_view);

/// typeform and github: one header "sha256=<digest>" over the body alone.
inbound_verdict parse_body_signature(const inbound_request& req, std::string_view name,
                                     digest_decoder decode, claim& out) {
  const auto value = header(req, name);
  if (value.empty())
    return inbound_verdict::missing_signature;
  if (!value.starts_with(sha256_prefix))
    return inbound_verdict::malformed_signature;
  auto digest = decode(value.substr(sha256_prefix.size()));
  if (!digest)
    return inbound_verdict::malformed_signature;
  out.signed_parts = {req.body};
  out.digests.push_back(std::move(*digest));
  return inbound_verdict::ok;
}

/// stripe: "t=<unix s>,v1=<hex>[,v1=<hex>...]" over "<t>.<body>". Other schemes (v0) and unknown
/// items are ignored, as are v1 values that are not 64 hex digits; a header with no usable v1,
/// or with no (or more than one) t, is malformed.
inbound_verdict parse_stripe(const inbound_request& req, claim& out) {
  const auto value = header(req, "stripe-signature");
  if (value.empty())
    return inbound_verdict::missing_signature;
  std::vector<std::string_view> timestamps;
  for (auto item : split(value, ',')) {
    const auto eq = item.find('=');
    if (eq == std::string_view::npos)
      continue;
    const auto key = item.substr(0, eq);
    const auto text = item.substr(eq + 1);
    if (key == "t")
      timestamps.push_back(text);
    else if (key == "v1")
      if (auto digest = hex_digest(text))
        out.digests.push_back(std::move(*digest));
  }
  if (timestamps.size() != 1)
    return inbound_verdict::malformed_signature;
  out.unix_seconds = parse_unix_seconds(timestamps.front());
  if (!out.unix_seconds || out.digests.empty())
    return inbound_verdict::malformed_signature;
  out.signed_parts = {timestamps.front(), ".", req.body};
  return inbound_verdict::ok;
}

struct standard_headers {
  std::string_view id, timestamp, signature;
};

/// The webhook-* headers, or the svix-* ones when webhook-signature is absent (never a mix).
standard_headers read_standard_headers(const inbound_request& req) {
  if (const auto signature = header(req, "webhook-signature"); !signature.empty())
    return {header(req, "webhook-id"), header(req, "webhook-timestamp"), signature};
  return {header(req, "svix-id"), header(req, "svix-timestamp"), header(req, "svix-signature")};
}

/// standard: "v1,<base64> [v1,<base64> ...]" over "<id>.<timestamp>.<body>". Entries of other
/// versions are ignored, as are v1 entries that are not a base64 32-byte digest; a signature
/// without id, without a numeric timestamp, or with no usable v1 entry is malformed.
inbound_verdict parse_standard(const inbound_request& req, claim& out) {
  const auto h = read_standard_headers(req);
  if (h.signature.empty())
    return inbound_verdict::missing_signature;
  out.unix_seconds = parse_unix_seconds(h.timestamp);
  if (h.id.empty() || !out.unix_seconds)
    return inbound_verdict::malformed_signature;
  for (auto entry : split(h.signature, ' ')) {
    const auto comma = entry.find(',');
    if (comma == std::string_view::npos || entry.substr(0, comma) != "v1")
      continue;
    if (auto digest = base64_digest(entry.substr(comma + 1)))
      out.digests.push_back(std::move(*digest));
  }
  if (out.digests.empty())
    return inbound_verdict::malformed_signature;
  out.signed_parts = {h.id, ".", h.timestamp, ".", req.body};
  return inbound_verdict::ok;
}

inbound_verdict parse_claim(source_kind kind, const inbound_request& req, claim& out) {
  switch (kind) {
    case source_kind::typeform:
      return parse_body_signature(req, "typeform-signature", base64_digest, out);
    case source_kind::github:
      return parse_body_signature(req, "x-hub-signature-256", hex_digest, out);
    case source_kind::stripe:
      return parse_stripe(req, out);
    case source_kind::standard:
      return parse_standard(req, out);
    case source_kind::token:
      break;
  }
  return inbound_verdict::missing_signature;
}

/// The HMAC key a secret stands for: standard decodes the base64 after "whsec_"; the others
/// (Stripe's "whsec_..." included) use the secret's bytes as they are.
std::string hmac_key(source_kind kind, std::string_view secret) {
  return kind == source_kind::standard ? secret_key(secret) : std::string{secret};
}

bool signed_by_any(source_kind kind, const inbound_secrets& secrets, const claim& c) {
  for (auto secret : usable(secrets)) {
    const std::string key = hmac_key(kind, secret);
    if (key.empty()) // "whsec_" alone: an empty key anyone could sign with
      continue;
    const std::string expected = hmac_sha256(key, c.signed_parts);
    for (const auto& digest : c.digests)
      if (same_bytes(expected, digest))
        return true;
  }
  return false;
}

inbound_verdict verify_hmac(source_kind kind, const inbound_secrets& secrets,
                            const inbound_request& req, time_point now, duration tolerance) {
  claim c;
  if (const auto parsed = parse_claim(kind, req, c); parsed != inbound_verdict::ok)
    return parsed;
  if (c.unix_seconds && !within_tolerance(*c.unix_seconds, now, tolerance))
    return inbound_verdict::stale_timestamp;
  return signed_by_any(kind, secrets, c) ? inbound_verdict::ok : inbound_verdict::bad_signature;
}

// --- token kind ----------------------------------------------------------------------------

/// Whether an Authorization value uses the Bearer scheme (case-insensitive, RFC 9110 §11.1).
bool is_bearer(std::string_view authorization) {
  constexpr std::string_view scheme = "bearer";
  if (authorization.size() < scheme.size())
    return false;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != scheme[i])
      return false;
  return authorization.size() == scheme.size() || authorization[scheme.size()] == ' ' ||
         authorization[scheme.size()] == '\t';
}

/// The token the request presents: the Bearer credential, else the query token. An
/// Authorization header that yields no token (another scheme, or "Bearer" with nothing after
/// it) makes the request malformed unless a query token stands in.
inbound_verdict presented_token(const inbound_request& req, std::string_view& token) {
  const auto authorization = header(req, "authorization");
  if (is_bearer(authorization)) {
    token = trim_ows(authorization.substr(6));
    return token.empty() ? inbound_verdict::malformed_signature : inbound_verdict::ok;
  }
  token = req.query_token;
  if (!token.empty())
    return inbound_verdict::ok;
  return authorization.empty() ? inbound_verdict::missing_signature
                               : inbound_verdict::malformed_signature;
}

/// Compared as SHA-256 digests, so neither the bytes nor the length of a secret leak.
inbound_verdict verify_token(const inbound_secrets& secrets, const inbound_request& req) {
  std::string_view token;
  if (const auto presented = presented_token(req, token); presented != inbound_verdict::ok)
    return presented;
  const std::array<std::string_view, 1> given{token};
  const std::string given_digest = sha256(given);
  for (auto secret : usable(secrets)) {
    const std::array<std::string_view, 1> wanted{secret};
    if (same_bytes(sha256(wanted), given_digest))
      return inbound_verdict::ok;
  }
  return inbound_verdict::bad_signature;
}

// --- secrets -------------------------------------------------------------------------------

std::string check_standard_secret(std::string_view secret) {
  if (!secret.starts_with(standard_prefix))
    return "a standard secret must start with \"whsec_\"";
  const auto text = secret.substr(standard_prefix.size());
  const auto key = base64_decode(text);
  // Re-encoding must give the text back: standard alphabet, padded, nothing stray.
  if (!key || base64_encode(*key) != text)
    return "the part of a standard secret after \"whsec_\" must be base64 (standard alphabet, "
           "padded)";
  if (key->size() < 24 || key->size() > 64)
    return "a standard secret's key must be 24 to 64 bytes, not " + std::to_string(key->size());
  return {};
}

std::string check_plain_secret(source_kind kind, std::string_view secret) {
  const std::string kind_name{to_string(kind)};
  if (secret.size() < 8 || secret.size() > 256)
    return "a " + kind_name + " secret must be 8 to 256 characters, not " +
           std::to_string(secret.size());
  // Senders let users type their own secret (GitHub's own example has spaces); a token travels
  // in an Authorization header, where a space would end it.
  const unsigned char lowest = kind == source_kind::token ? 0x21 : 0x20;
  if (!std::all_of(secret.begin(), secret.end(),
                   [lowest](unsigned char c) { return c >= lowest && c <= 0x7e; }))
    return "a " + kind_name + " secret must be printable ASCII" +
           (kind == source_kind::token ? " without spaces" : "");
  if (secret.front() == ' ' || secret.back() == ' ')
    return "a " + kind_name + " secret must not begin or end with a space";
  return {};
}

} // namespace

std::string_view to_string(source_kind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i < kind_names.size() ? kind_names[i] : "unknown";
}

std::optional<source_kind> source_kind_from_string(std::string_view name) {
  for (std::size_t i = 0; i < kind_names.size(); ++i)
    if (kind_names[i] == name)
      return static_cast<source_kind>(i);
  return std::nullopt;
}

std::string_view to_string(inbound_verdict verdict) {
  const auto i = static_cast<std::size_t>(verdict);
  return i < verdict_names.size() ? verdict_names[i] : "unknown";
}

inbound_verdict verify_inbound(source_kind kind, const inbound_secrets& secrets,
                               const inbound_request& req, time_point now, duration tolerance) {
  if (kind == source_kind::token)
    return verify_token(secrets, req);
  return verify_hmac(kind, secrets, req, now, tolerance);
}

std::string generate_source_secret(source_kind kind) {
  if (kind == source_kind::standard)
    return generate_secret(32);
  std::string bytes(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size())) !=
      1)
    throw std::runtime_error("OpenSSL: RAND_bytes failed");
  return to_hex(bytes);
}

std::string check_source_secret(source_kind kind, std::string_view secret) {
  return kind == source_kind::standard ? check_standard_secret(secret)
                                       : check_plain_secret(kind, secret);
}

} // namespace hookd::policy

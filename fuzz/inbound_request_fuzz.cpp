// Fuzz target: the inbound sources (docs/inbound.md). A third party's request as POST
// /in/{source} reads it: its signature (policy/inbound_verification.hpp) and what it says about
// itself (policy/inbound_event.hpp); and the bodies of /v1/sources (api/source_requests.hpp).
//
// Input: one control byte, then fields separated by '\x01' (the last one takes the rest):
//   current secret, previous secret, ?token= value, source name, event_type_from, the values of
//   the 13 headers of `header_names` in that order, body.
// Control byte: bits 0-2 the kind (mod 5); bit 3 "self-signed"; otherwise bits 4-5 the clock
// and bits 6-7 the tolerance; when self-signed, bit 6 puts the signing secret in the previous
// slot and bit 7 picks a variant of the headers (decoy signatures, svix-*, query token, ...).
//
// Checks: never throws; verify_inbound returns one of the five verdicts, `ok` only when some
// secret is non-empty, missing_signature for a request with no headers and no token; a
// self-signed request (the body signed for the kind with a secret check_source_secret accepts,
// `now` the signed time) is `ok`; read_inbound_event's event type is non-empty when the source
// name is, and at most max(256, name size) bytes, its sender id at most 256 bytes;
// parse_source_fields refuses with 400 or 422 only, apply_source_fields with 422 only, and a
// source it accepts has a secret its kind accepts and messages with a non-empty event type of at
// most 256 bytes.
#include "fuzz/fuzz_target.hpp"

#include "api/json_depth.hpp"
#include "api/source_requests.hpp"
#include "policy/inbound_event.hpp"
#include "policy/inbound_verification.hpp"
#include "policy/signing.hpp"
#include "store/records.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <variant>

namespace {

using hookd::fuzz::fuzz_check;
namespace api = hookd::api;
namespace policy = hookd::policy;
using policy::inbound_verdict;
using policy::source_kind;

constexpr std::array<std::string_view, 13> header_names{
    "Typeform-Signature", "X-Hub-Signature-256", "Stripe-Signature", "webhook-id",
    "webhook-timestamp",  "webhook-signature",   "svix-id",          "svix-timestamp",
    "svix-signature",     "Authorization",       "X-GitHub-Event",   "X-GitHub-Delivery",
    "Idempotency-Key"};

enum header_index : std::size_t {
  typeform_signature,
  hub_signature,
  stripe_signature,
  webhook_id,
  webhook_timestamp,
  webhook_signature,
  svix_id,
  svix_timestamp,
  svix_signature,
  authorization,
};

enum field_index : std::size_t {
  current_secret,
  previous_secret,
  query_token,
  source_name,
  event_type_from,
  first_header,
  body_field = first_header + header_names.size(),
  field_count,
};

/// The signed time of self-signed requests, and `now` for them (2026-01-01T00:00:00Z).
constexpr std::int64_t signed_at = 1767225600;

bool same_name(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

/// A request's headers: a value per name of `header_names`, found in any case ("" when empty).
struct headers {
  std::array<std::string, header_names.size()> values;

  std::string& operator[](std::size_t i) { return values[i]; }

  std::function<std::string_view(std::string_view)> lookup() const {
    return [this](std::string_view name) -> std::string_view {
      for (std::size_t i = 0; i < header_names.size(); ++i)
        if (same_name(name, header_names[i]))
          return values[i];
      return {};
    };
  }
};

std::array<std::string_view, field_count> split_fields(std::string_view rest) {
  std::array<std::string_view, field_count> fields{};
  for (std::size_t i = 0; i + 1 < field_count && !rest.empty(); ++i) {
    const auto end = std::min(rest.find('\x01'), rest.size());
    fields[i] = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  fields[body_field] = rest;
  return fields;
}

void check_verdict(inbound_verdict v, const policy::inbound_secrets& secrets) {
  fuzz_check(static_cast<unsigned>(v) <= static_cast<unsigned>(inbound_verdict::stale_timestamp),
             "verify_inbound returned no verdict of the five");
  fuzz_check(policy::to_string(v) != "unknown", "a verdict without a name");
  if (v == inbound_verdict::ok)
    fuzz_check(!secrets.current.empty() || !secrets.previous.empty(),
               "verify_inbound said ok with no secret");
}

// --- self-signed requests ------------------------------------------------------------------

/// A secret check_source_secret accepts for `kind`: `wanted` when it does, else one made of its
/// bytes (standard: "whsec_" + base64 of 24-64 bytes; others: 8-256 printable characters).
std::string acceptable_secret(source_kind kind, std::string_view wanted) {
  if (policy::check_source_secret(kind, wanted).empty())
    return std::string{wanted};
  std::string made;
  if (kind == source_kind::standard) {
    std::string key{wanted.substr(0, 64)};
    key.resize(std::max<std::size_t>(key.size(), 24), '\0');
    made = "whsec_" + policy::base64_encode(key);
  } else {
    for (unsigned char c : wanted.substr(0, 256))
      made += static_cast<char>(0x21 + c % 94); // printable, no space
    made.resize(std::max<std::size_t>(made.size(), 8), 'x');
  }
  fuzz_check(policy::check_source_secret(kind, made).empty(), "a well-formed secret refused");
  return made;
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return s;
}

/// `id` without the characters that would not survive a header as they are (OWS trimming).
std::string message_id(std::string_view id) {
  std::string out;
  for (char c : id.substr(0, 64))
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
        c == '-')
      out += c;
  return out.empty() ? "msg_fuzz" : out;
}

/// Puts into `h` (and `token`) what `kind`'s sender sends for `body` signed with `secret` at
/// signed_at; `variant` picks among equivalent ways of sending it.
void sign(source_kind kind, const std::string& secret, std::string_view body, bool variant, headers& h,
          std::string& token) {
  const std::string ts = std::to_string(signed_at);
  switch (kind) {
    case source_kind::typeform: {
      const std::array<std::string_view, 1> parts{body};
      h[typeform_signature] = "sha256=" + policy::base64_encode(policy::hmac_sha256(secret, parts));
      break;
    }
    case source_kind::github: {
      const std::array<std::string_view, 1> parts{body};
      const std::string hex = policy::to_hex(policy::hmac_sha256(secret, parts));
      h[hub_signature] = "sha256=" + (variant ? upper(hex) : hex);
      break;
    }
    case source_kind::stripe: {
      const std::array<std::string_view, 3> parts{ts, ".", body};
      const std::string v1 = "v1=" + policy::to_hex(policy::hmac_sha256(secret, parts));
      h[stripe_signature] =
          variant ? "t=" + ts + ", v0=" + std::string(64, '0') + ",v1=" + std::string(64, 'f') + "," + v1
                  : "t=" + ts + "," + v1;
      break;
    }
    case source_kind::standard: {
      const std::string id = message_id(h[webhook_id]);
      std::string signature = policy::standard_signature(secret, id, signed_at, body);
      if (variant) {
        // Svix's names, a signature of another secret and one of another version first.
        signature = "v2,abc " + policy::standard_signature("whsec_" + std::string(32, 'A'), id, signed_at, body) +
                    " " + signature;
        h[webhook_signature].clear();
        h[svix_id] = id;
        h[svix_timestamp] = ts;
        h[svix_signature] = signature;
      } else {
        h[webhook_id] = id;
        h[webhook_timestamp] = ts;
        h[webhook_signature] = signature;
      }
      break;
    }
    case source_kind::token:
      if (variant) {
        h[authorization].clear();
        token = secret;
      } else {
        h[authorization] = "Bearer " + secret;
      }
      break;
  }
}

void check_self_signed(source_kind kind, std::array<std::string_view, field_count> fields,
                       std::uint8_t control, headers h) {
  const bool in_previous = control & 0x40;
  const bool variant = control & 0x80;
  const std::string secret = acceptable_secret(kind, fields[current_secret]);
  std::string token{fields[query_token]};
  const std::string_view body = fields[body_field];
  sign(kind, secret, body, variant, h, token);
  const policy::inbound_secrets secrets =
      in_previous ? policy::inbound_secrets{fields[previous_secret], secret}
                  : policy::inbound_secrets{secret, fields[previous_secret]};
  const policy::inbound_request req{body, h.lookup(), token};
  const auto now = hookd::from_unix_ms(signed_at * 1000);
  const auto verdict = policy::verify_inbound(kind, secrets, req, now);
  check_verdict(verdict, secrets);
  fuzz_check(verdict == inbound_verdict::ok, "a correctly signed request is not ok");
}

// --- the request as received ---------------------------------------------------------------

hookd::time_point clock_at(unsigned choice) {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  const std::int64_t ms[] = {signed_at * 1000, 0, min, max};
  return hookd::from_unix_ms(ms[choice & 3]);
}

hookd::duration tolerance_of(unsigned choice) {
  const hookd::duration d[] = {std::chrono::minutes{5}, hookd::duration{0}, -std::chrono::minutes{1},
                               hookd::duration::max()};
  return d[choice & 3];
}

void check_received(source_kind kind, const std::array<std::string_view, field_count>& fields,
                    std::uint8_t control, const headers& h) {
  const policy::inbound_secrets secrets{fields[current_secret], fields[previous_secret]};
  const policy::inbound_request req{fields[body_field], h.lookup(), fields[query_token]};
  check_verdict(policy::verify_inbound(kind, secrets, req, clock_at(control >> 4), tolerance_of(control >> 6)),
                secrets);

  // No headers at all (an unset lookup), no token: nothing to verify.
  const policy::inbound_request bare{fields[body_field], {}, {}};
  const auto none = policy::verify_inbound(kind, secrets, bare, clock_at(control >> 4));
  check_verdict(none, secrets);
  fuzz_check(none == inbound_verdict::missing_signature, "a request with no headers is not missing_signature");
}

// --- what the request says -----------------------------------------------------------------

void check_event(const policy::inbound_event& e, std::string_view name) {
  if (!name.empty())
    fuzz_check(!e.event_type.empty(), "an empty event type for a named source");
  fuzz_check(e.event_type.size() <= std::max(policy::max_inbound_name_length, name.size()),
             "an event type longer than 256 bytes and the source's name");
  fuzz_check(e.sender_id.size() <= policy::max_inbound_name_length, "a sender id longer than 256 bytes");
}

// --- /v1/sources ---------------------------------------------------------------------------

void check_source(std::string_view body, bool creating, source_kind kind, const nlohmann::json* event,
                  const headers& h) {
  const auto r = api::parse_source_fields(body, creating);
  if (const auto* e = std::get_if<api::api_error>(&r)) {
    fuzz_check(e->status == 400 || e->status == 422, "source refused with neither 400 nor 422");
    return;
  }
  const auto& f = std::get<api::source_fields>(r);
  if (creating)
    fuzz_check(f.name.has_value() && f.kind.has_value(), "a source created without name or kind");
  else
    fuzz_check(!f.kind && !f.secret, "a patch that changes the kind or the secret");
  if (f.name)
    fuzz_check(!f.name->empty() && f.name->size() <= api::max_source_name_length, "a source name's length");
  if (f.event_type_from)
    fuzz_check(policy::valid_json_pointer(*f.event_type_from), "event_type_from is no JSON Pointer");

  hookd::store::source_record src;
  if (!creating) {
    src.name = "fuzz-source";
    src.kind = std::string{policy::to_string(kind)};
  }
  if (auto e = api::apply_source_fields(f, src)) {
    fuzz_check(e->status == 422, "source fields refused with another status than 422");
    return;
  }
  const auto applied = policy::source_kind_from_string(src.kind);
  fuzz_check(applied.has_value(), "a source of no known kind");
  fuzz_check(policy::check_source_secret(*applied, src.secret).empty(), "a source whose secret its kind refuses");
  if (event) {
    const auto e = policy::read_inbound_event(*applied, *event, h.lookup(), src.name, src.event_type_from);
    check_event(e, src.name);
    fuzz_check(e.event_type.size() <= policy::max_inbound_name_length, "an event type longer than 256 bytes");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  const std::uint8_t control = data[0];
  const auto kind = static_cast<source_kind>((control & 7) % 5);
  fuzz_check(policy::source_kind_from_string(policy::to_string(kind)) == kind, "kind name round trip");
  const auto fields = split_fields(hookd::fuzz::as_text(data + 1, size - 1));
  headers h;
  for (std::size_t i = 0; i < header_names.size(); ++i)
    h[i] = std::string{fields[first_header + i]};

  for (auto secret : {fields[current_secret], fields[previous_secret]})
    (void)policy::check_source_secret(kind, secret);
  (void)policy::source_kind_from_string(fields[source_name]);
  (void)policy::valid_json_pointer(fields[event_type_from]);

  if (control & 0x08)
    check_self_signed(kind, fields, control, h);
  else
    check_received(kind, fields, control, h);

  // The body as the route reads it once verified: the depth guard, then the parser.
  const std::string_view body = fields[body_field];
  nlohmann::json event = nlohmann::json::value_t::discarded;
  if (!api::nested_deeper_than(body, api::max_json_nesting + 1))
    event = nlohmann::json::parse(body, nullptr, false);
  const nlohmann::json* parsed = event.is_discarded() ? nullptr : &event;
  if (parsed)
    check_event(policy::read_inbound_event(kind, *parsed, h.lookup(), fields[source_name], fields[event_type_from]),
                fields[source_name]);

  check_source(body, true, kind, parsed, h);
  check_source(body, false, kind, parsed, h);
  return 0;
}

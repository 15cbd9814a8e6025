#pragma once
// Inbound verification: whether a request a third party posts to hookd was signed by its sender.
// Five sender kinds, each checked the way that sender documents it:
//
// typeform:  Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, body)>
// github:    X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>  (either hex case)
// stripe:    Stripe-Signature: t=<unix s>,v1=<hex>[,v1=<hex>...][,v0=...]
//            HMAC-SHA256(secret string as-is, "<t>.<body>"); any v1 may match, v0 is ignored
// standard:  Standard Webhooks (policy/signing.hpp): webhook-id, webhook-timestamp,
//            webhook-signature: v1,<base64> [v1,<base64> ...] over "<id>.<ts>.<body>", keyed by
//            the base64 key after "whsec_"; svix-* headers are read when webhook-signature is
//            absent
// token:     Authorization: Bearer <token>, else the ?token= query value, equal to a secret
//
// Promises: pure (no clock, no I/O), never throws for any request; a request is accepted when it
// matches the current or, during a rotation, the previous secret; an empty secret matches nothing;
// every comparison of a signature or token is constant-time. The verdict is decided in this order:
// missing → malformed → stale (stripe, standard) → bad_signature / ok.
#include "policy/time.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace hookd::policy {

enum class source_kind : std::uint8_t { typeform, github, stripe, standard, token };

std::string_view to_string(source_kind kind);
std::optional<source_kind> source_kind_from_string(std::string_view name);

/// What verification reads of a request. `header` returns a header's value by its lower-case
/// name (verification asks only for lower-case names, the form HTTP servers, hookd's included,
/// hand header names over in), empty when absent (an unset `header` means no headers at all).
struct inbound_request {
  std::string_view body; // the exact bytes received
  std::function<std::string_view(std::string_view name)> header;
  std::string_view query_token; // the ?token= value, empty when absent
};

enum class inbound_verdict : std::uint8_t {
  ok,
  missing_signature,   ///< the kind's signature header (or token) is absent or empty
  malformed_signature, ///< present but not parseable
  bad_signature,       ///< well-formed but matches none of the secrets
  stale_timestamp,     ///< stripe/standard: |now - t| > tolerance
};

std::string_view to_string(inbound_verdict verdict);

/// The secrets a request may be signed with: the current one, and during a rotation the previous
/// one (empty: none).
struct inbound_secrets {
  std::string_view current;
  std::string_view previous;
};

/// The verdict on `req` for a source of `kind`. `tolerance` bounds |now - signed timestamp| for
/// the kinds that sign one (stripe, standard); a negative tolerance counts as zero.
inbound_verdict verify_inbound(source_kind kind, const inbound_secrets& secrets,
                               const inbound_request& req, time_point now,
                               duration tolerance = std::chrono::minutes{5});

/// A fresh secret for a source of this kind: standard → "whsec_" + base64 of 32 random bytes;
/// every other kind → 32 random bytes as lower-case hex (64 characters).
std::string generate_source_secret(source_kind kind);

/// Whether `secret` is acceptable for the kind: standard needs "whsec_" + base64 decoding to
/// 24–64 bytes; the others need 8–256 printable ASCII characters (0x20–0x7e), neither first
/// nor last a space, and a token none at all (it travels in an Authorization header).
/// Returns why not, or an empty string when fine.
std::string check_source_secret(source_kind kind, std::string_view secret);

} // namespace hookd::policy

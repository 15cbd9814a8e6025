#pragma once
// Webhook signatures (docs/security.md). Pure functions over bytes; HMAC-SHA256 via OpenSSL.
//
// standard (Standard Webhooks):  webhook-id: <msg id>   webhook-timestamp: <unix seconds>
//                                webhook-signature: v1,<base64 HMAC(key, "<id>.<ts>.<body>")>
//   where the secret is "whsec_<base64 key>"; with several secrets (rotation) the signatures
//   are space-separated.
// typeform:                      Typeform-Signature: sha256=<base64 HMAC(secret, body)>
// The Svix API's deliveries carry the standard headers twice: also as svix-id, svix-timestamp
// and svix-signature (the same values), which Svix's own verifiers read.
#include "policy/signature_scheme.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hookd::policy {

using header_list = std::vector<std::pair<std::string, std::string>>;

std::string base64_encode(std::string_view bytes);
/// Standard alphabet with padding; nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

/// Raw 32-byte HMAC-SHA256 over the concatenation of `parts`.
std::string hmac_sha256(std::string_view key, std::span<const std::string_view> parts);

/// Raw 32-byte SHA-256 over the concatenation of `parts`.
std::string sha256(std::span<const std::string_view> parts);

/// Lower-case hex of `bytes`.
std::string to_hex(std::string_view bytes);

/// A fresh Standard Webhooks secret: "whsec_" + base64 of `bytes` random bytes (24–64).
std::string generate_secret(std::size_t bytes = 32);

/// The HMAC key of a secret: the decoded bytes after "whsec_", or the secret's own bytes when
/// it has no such prefix (typeform secrets are plain strings).
std::string secret_key(std::string_view secret);

/// "v1,<base64>" for one secret.
std::string standard_signature(std::string_view secret, std::string_view msg_id,
                               std::int64_t unix_seconds, std::string_view body);

/// The signature headers for one delivery. `secrets` holds the current secret first and, during
/// rotation, the previous one; empty secrets are skipped, and with none the request goes
/// unsigned (standard: webhook-id and webhook-timestamp only).
header_list signature_headers(signature_scheme scheme, std::span<const std::string> secrets,
                              std::string_view msg_id, std::int64_t unix_seconds,
                              std::string_view body);

/// Appends svix-id, svix-timestamp and svix-signature with the values of the webhook-* headers
/// of `headers` (those present).
void add_svix_headers(header_list& headers);

} // namespace hookd::policy

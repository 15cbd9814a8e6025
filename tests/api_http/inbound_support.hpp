#pragma once
// Requests signed as each sender signs them (Typeform, GitHub, Stripe, Standard Webhooks), for
// the tests of POST /in/{source}. Written from the senders' documentation; the verification
// they exercise has its own table tests with the senders' published examples
// (tests/policy/inbound_verification_test.cpp).
#include "policy/signing.hpp"
#include "tests/support/http_exchange.hpp"

#include <chrono>
#include <string>

namespace hookd::testing {

inline std::string hmac(std::string_view key, std::string_view a, std::string_view b = {},
                        std::string_view c = {}) {
  const std::string_view parts[] = {a, b, c};
  return policy::hmac_sha256(key, parts);
}

inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, body)>.
inline header_list typeform_headers(const std::string& secret, const std::string& body) {
  return {{"Content-Type", "application/json"},
          {"Typeform-Signature", "sha256=" + policy::base64_encode(hmac(secret, body))}};
}

/// X-Hub-Signature-256 (hex), X-GitHub-Event and X-GitHub-Delivery.
inline header_list github_headers(const std::string& secret, const std::string& body,
                                  const std::string& event, const std::string& delivery) {
  return {{"Content-Type", "application/json"},
          {"X-GitHub-Event", event},
          {"X-GitHub-Delivery", delivery},
          {"X-Hub-Signature-256", "sha256=" + policy::to_hex(hmac(secret, body))}};
}

/// Stripe-Signature: t=<unix>,v1=<hex HMAC(secret, "t.body")>.
inline header_list stripe_headers(const std::string& secret, const std::string& body,
                                  std::int64_t t = unix_now()) {
  const auto ts = std::to_string(t);
  return {{"Content-Type", "application/json; charset=utf-8"},
          {"Stripe-Signature", "t=" + ts + ",v1=" + policy::to_hex(hmac(secret, ts, ".", body))}};
}

/// webhook-id, webhook-timestamp, webhook-signature (Standard Webhooks).
inline header_list standard_headers(const std::string& secret, const std::string& body,
                                    const std::string& id, std::int64_t t = unix_now()) {
  return {{"Content-Type", "application/json"},
          {"webhook-id", id},
          {"webhook-timestamp", std::to_string(t)},
          {"webhook-signature", policy::standard_signature(secret, id, t, body)}};
}

} // namespace hookd::testing

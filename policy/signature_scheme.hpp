#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace hookd {

/// How deliveries to an endpoint are signed (docs/security.md).
enum class signature_scheme : std::uint8_t {
  standard, ///< Standard Webhooks: webhook-id / webhook-timestamp / webhook-signature
  typeform, ///< Typeform-Signature: sha256=<base64 HMAC of the body>
};

inline std::string_view to_string(signature_scheme x) {
  return x == signature_scheme::typeform ? "typeform" : "standard";
}

inline std::optional<signature_scheme> signature_scheme_from_string(std::string_view s) {
  if (s == "standard")
    return signature_scheme::standard;
  if (s == "typeform")
    return signature_scheme::typeform;
  return std::nullopt;
}

} // namespace hookd

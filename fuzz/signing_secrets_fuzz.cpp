// Fuzz target: what parses signing secrets (policy/signing.hpp). hookd signs outgoing requests
// with them, so the input it parses is the secret an API client sends ("whsec_<base64>", PATCH
// /v1/endpoints, POST .../secret/rotate) and base64 in general. (Incoming signatures, of
// inbound sources, have their own target: inbound_request.)
// Checks: never throws; base64 decoding inverts encoding; signing with any secret gives a
// "v1,<base64 of 32 bytes>" signature.
#include "fuzz/fuzz_target.hpp"

#include "policy/signing.hpp"

#include <string>

using hookd::fuzz::fuzz_check;
namespace policy = hookd::policy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = hookd::fuzz::as_text(data, size);

  if (auto decoded = policy::base64_decode(text))
    (void)policy::base64_encode(*decoded);
  const auto round_trip = policy::base64_decode(policy::base64_encode(text));
  fuzz_check(round_trip.has_value() && *round_trip == text, "base64 decode(encode(x)) != x");

  (void)policy::secret_key(text);
  const std::string signature = policy::standard_signature(text, "msg_fuzz", 1767225600, "{}");
  fuzz_check(signature.starts_with("v1,"), "signature without v1, prefix");
  const auto mac = policy::base64_decode(std::string_view(signature).substr(3));
  fuzz_check(mac.has_value() && mac->size() == 32, "signature is not base64 of 32 bytes");

  const std::string secrets[] = {std::string(text), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};
  for (auto scheme : {hookd::signature_scheme::standard, hookd::signature_scheme::typeform})
    (void)policy::signature_headers(scheme, secrets, "msg_fuzz", 1767225600, text);
  return 0;
}

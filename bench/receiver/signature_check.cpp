#include "bench/receiver/signature_check.hpp"

#include "policy/signing.hpp"

#include <array>

namespace hookd::bench {

bool signature_valid(std::string_view key, std::string_view webhook_id,
                     std::string_view timestamp, std::string_view body,
                     std::string_view signature_header) {
  if (signature_header.empty() || webhook_id.empty() || timestamp.empty())
    return false;
  const std::array<std::string_view, 5> parts{webhook_id, ".", timestamp, ".", body};
  const auto expected = "v1," + policy::base64_encode(policy::hmac_sha256(key, parts));
  std::size_t start = 0;
  while (start <= signature_header.size()) {
    auto space = signature_header.find(' ', start);
    auto entry = signature_header.substr(start, space - start);
    if (entry == expected)
      return true;
    if (space == std::string_view::npos)
      break;
    start = space + 1;
  }
  return false;
}

} // namespace hookd::bench

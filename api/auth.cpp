#include "api/auth.hpp"

#include "policy/signing.hpp"

#include <openssl/crypto.h>

#include <cctype>

namespace hookd::api {
namespace {

std::string digest(std::string_view s) {
  const std::string_view parts[] = {s};
  return policy::sha256(parts);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

} // namespace

bool authorized(std::string_view authorization, std::string_view expected) {
  if (expected.empty())
    return true;
  constexpr std::string_view scheme = "bearer ";
  std::string_view token;
  if (authorization.size() > scheme.size() && iequals(authorization.substr(0, scheme.size()), scheme))
    token = authorization.substr(scheme.size());
  const auto given = digest(token);
  const auto wanted = digest(expected);
  return CRYPTO_memcmp(given.data(), wanted.data(), given.size()) == 0 && !token.empty();
}

} // namespace hookd::api

#include "api/auth.hpp"

#include "net/ascii.hpp"
#include "policy/signing.hpp"

#include <openssl/crypto.h>

namespace hookd::api {

using net::iequals;

namespace {

std::string digest(std::string_view s) {
  const std::string_view parts[] = {s};
  return policy::sha256(parts);
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

#pragma once
// Bearer-token check for the API, in constant time with respect to the token's content and
// length (both sides are hashed, then compared with CRYPTO_memcmp).
#include <string_view>

namespace hookd::api {

/// True when `authorization` is "Bearer <token>" (scheme case-insensitive) and the token equals
/// `expected`. An empty `expected` means no authentication is configured: always true.
bool authorized(std::string_view authorization, std::string_view expected);

} // namespace hookd::api

#pragma once
// The API error shape, written in one place: {"error":{"code":"<code>","message":"<message>"}}
// (docs/api.md). Every error body hookd sends comes from here: the API's handlers (api::api_error)
// and the server's own answers (error_response: 400/408/413/503 and the 500 for a request left
// unanswered).
//
// Promises: compact JSON, key order error > code, message; both strings JSON-escaped (", \ and
// control characters); bytes that are not valid UTF-8 are replaced by U+FFFD, so the body is
// always valid JSON whatever a message quotes.
#include <string>
#include <string_view>

namespace hookd::net {

/// The one code for a 500 (a bug: a handler that failed or never answered).
inline constexpr std::string_view internal_error_code = "internal_error";

std::string error_body(std::string_view code, std::string_view message);

} // namespace hookd::net

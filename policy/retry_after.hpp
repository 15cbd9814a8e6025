#pragma once
// Retry-After (RFC 9110 §10.2.3): a 429 or 503 may ask for a delay, as delta-seconds ("120") or
// as an HTTP-date ("Sun, 06 Nov 1994 08:49:37 GMT"). The retry schedule honours it when it asks
// for more than the backoff would give (policy/retry_schedule.hpp caps it by the window).
#include "policy/time.hpp"

#include <optional>
#include <string_view>

namespace hookd::policy {

/// Statuses whose Retry-After is honoured.
bool honours_retry_after(int status);

/// The delay a Retry-After value asks for, relative to `now`; a date in the past gives zero.
/// Accepts delta-seconds and the three HTTP-date forms (IMF-fixdate, RFC 850, asctime).
/// nullopt when the value is malformed. Delays are capped at 30 days.
std::optional<duration> parse_retry_after(std::string_view value, time_point now);

/// Parses an HTTP-date; nullopt when malformed.
std::optional<time_point> parse_http_date(std::string_view text);

} // namespace hookd::policy

#pragma once
// RFC 3339 times as the API shows and accepts them: UTC with milliseconds,
// "2026-11-30T09:20:35.123Z".
#include "policy/time.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace hookd {

std::string format_time(time_point t);

/// Accepts "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)" (also a lower-case t/z); nullopt otherwise.
std::optional<time_point> parse_time(std::string_view text);

} // namespace hookd

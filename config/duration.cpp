// Duration text: "<integer><unit>" with unit ms, s, m, h or d. Parsing is strict (no sign, no
// fraction, no blanks, no compound "1h30m") so a typo can never silently mean something else;
// an amount longer than max_config_duration (100 years) is rejected, so no key's value can
// overflow when added to a time, doubled by jitter or turned into nanoseconds for a timer. Rendering picks the largest unit up to
// hours that divides the value exactly, so the output always parses back to the same duration.
#include "config/load.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <string_view>

namespace hookd::config {
namespace {

struct unit {
  std::string_view suffix;
  std::int64_t ms;
};

// Longest suffix first where one is a prefix of another ("ms" before "m").
constexpr std::array<unit, 5> parse_units{
    {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}}};

// Largest first; days are accepted on input but not produced ("72h" reads better than "3d").
constexpr std::array<unit, 4> format_units{
    {{"h", 3'600'000}, {"m", 60'000}, {"s", 1000}, {"ms", 1}}};

std::optional<std::int64_t> unit_ms(std::string_view suffix) {
  for (const unit& u : parse_units)
    if (u.suffix == suffix)
      return u.ms;
  return std::nullopt;
}

} // namespace

std::optional<duration> parse_duration(const std::string& text) {
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  if (text.empty() || text.front() < '0' || text.front() > '9')
    return std::nullopt; // also rejects a sign
  std::int64_t amount = 0;
  const auto [digits_end, ec] = std::from_chars(begin, end, amount);
  if (ec != std::errc{})
    return std::nullopt; // out of range
  const std::optional<std::int64_t> ms = unit_ms(std::string_view(digits_end, end - digits_end));
  if (!ms || amount > max_config_duration.count() / *ms) // every unit divides the maximum
    return std::nullopt;
  return duration{amount * *ms};
}

std::string duration_refusal(const std::string& text) {
  const std::size_t digits = text.find_first_not_of("0123456789");
  const bool well_formed = digits != 0 && digits != std::string::npos &&
                           unit_ms(std::string_view(text).substr(digits)).has_value();
  if (well_formed)
    return "must be at most 36500d (100 years)";
  return "expected a whole number with a unit (ms, s, m, h, d), like \"15s\"";
}

std::string format_duration(duration d) {
  const std::int64_t ms = d.count();
  if (ms == 0)
    return "0s";
  for (const unit& u : format_units)
    if (ms % u.ms == 0)
      return std::to_string(ms / u.ms) + std::string(u.suffix);
  return std::to_string(ms) + "ms"; // unreachable: every value divides by 1 ms
}

} // namespace hookd::config

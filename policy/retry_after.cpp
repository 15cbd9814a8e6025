#include "policy/retry_after.hpp"

#include "policy/ows.hpp"

#include <array>
#include <cctype>
#include <charconv>

namespace hookd::policy {
namespace {

constexpr duration max_retry_after = std::chrono::hours{24 * 30};

bool all_digits(std::string_view s) {
  if (s.empty())
    return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
  return true;
}

/// Reads an unsigned number of exactly `width` digits (0: any width) from the front of `s`.
std::optional<int> take_number(std::string_view& s, std::size_t width = 0) {
  std::size_t n = 0;
  while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n])))
    ++n;
  if (n == 0 || (width != 0 && n != width) || n > 9)
    return std::nullopt;
  int value = 0;
  std::from_chars(s.data(), s.data() + n, value);
  s.remove_prefix(n);
  return value;
}

bool take(std::string_view& s, std::string_view token) {
  if (s.substr(0, token.size()) != token)
    return false;
  s.remove_prefix(token.size());
  return true;
}

std::optional<int> take_month(std::string_view& s) {
  static constexpr std::array<std::string_view, 12> names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < names.size(); ++i)
    if (take(s, names[i]))
      return static_cast<int>(i) + 1;
  return std::nullopt;
}

/// Skips the day name: "Sun", "Sunday" (RFC 850); true when one was there.
bool take_day_name(std::string_view& s) {
  static constexpr std::array<std::string_view, 7> days{
      "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  for (auto day : days) {
    if (take(s, day))
      return true;
    if (take(s, day.substr(0, 3)))
      return true;
  }
  return false;
}

struct clock_time {
  int hour = 0, minute = 0, second = 0;
};

std::optional<clock_time> take_clock(std::string_view& s) {
  auto h = take_number(s, 2);
  if (!h || !take(s, ":"))
    return std::nullopt;
  auto m = take_number(s, 2);
  if (!m || !take(s, ":"))
    return std::nullopt;
  auto sec = take_number(s, 2);
  if (!sec || *h > 23 || *m > 59 || *sec > 60)
    return std::nullopt;
  return clock_time{*h, *m, *sec};
}

std::optional<time_point> make_time(int year, int month, int day, clock_time t) {
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year{year},
                           std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok())
    return std::nullopt;
  const auto days = sys_days{ymd};
  return time_point{duration_cast<milliseconds>(days.time_since_epoch() + hours{t.hour} +
                                                minutes{t.minute} + seconds{t.second})};
}

// "06 Nov 1994 08:49:37 GMT" (after "Sun, ")
std::optional<time_point> parse_imf_fixdate(std::string_view s) {
  auto day = take_number(s, 2);
  if (!day || !take(s, " "))
    return std::nullopt;
  auto month = take_month(s);
  if (!month || !take(s, " "))
    return std::nullopt;
  auto year = take_number(s, 4);
  if (!year || !take(s, " "))
    return std::nullopt;
  auto t = take_clock(s);
  if (!t || !take(s, " GMT") || !s.empty())
    return std::nullopt;
  return make_time(*year, *month, *day, *t);
}

// "06-Nov-94 08:49:37 GMT" (after "Sunday, "); two-digit years per RFC 9110 §5.6.7.
std::optional<time_point> parse_rfc850(std::string_view s) {
  auto day = take_number(s, 2);
  if (!day || !take(s, "-"))
    return std::nullopt;
  auto month = take_month(s);
  if (!month || !take(s, "-"))
    return std::nullopt;
  auto year = take_number(s, 2);
  if (!year || !take(s, " "))
    return std::nullopt;
  auto t = take_clock(s);
  if (!t || !take(s, " GMT") || !s.empty())
    return std::nullopt;
  const int full_year = *year < 70 ? 2000 + *year : 1900 + *year;
  return make_time(full_year, *month, *day, *t);
}

// "Nov  6 08:49:37 1994" (after "Sun ")
std::optional<time_point> parse_asctime(std::string_view s) {
  auto month = take_month(s);
  if (!month || !take(s, " "))
    return std::nullopt;
  if (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  auto day = take_number(s);
  if (!day || *day > 31 || !take(s, " "))
    return std::nullopt;
  auto t = take_clock(s);
  if (!t || !take(s, " "))
    return std::nullopt;
  auto year = take_number(s, 4);
  if (!year || !s.empty())
    return std::nullopt;
  return make_time(*year, *month, *day, *t);
}

} // namespace

bool honours_retry_after(int status) {
  return status == 429 || status == 503;
}

std::optional<time_point> parse_http_date(std::string_view text) {
  std::string_view s = trim_ows(text);
  if (!take_day_name(s))
    return std::nullopt;
  if (take(s, ", ")) {
    if (auto t = parse_imf_fixdate(s))
      return t;
    return parse_rfc850(s);
  }
  if (take(s, " "))
    return parse_asctime(s);
  return std::nullopt;
}

std::optional<duration> parse_retry_after(std::string_view value, time_point now) {
  const std::string_view s = trim_ows(value);
  if (all_digits(s)) {
    if (s.size() > 9) // more than ~31 years: cap rather than overflow
      return max_retry_after;
    long long seconds = 0;
    std::from_chars(s.data(), s.data() + s.size(), seconds);
    return std::min<duration>(std::chrono::seconds{seconds}, max_retry_after);
  }
  auto at = parse_http_date(s);
  if (!at)
    return std::nullopt;
  if (*at <= now)
    return duration{0};
  return std::min<duration>(*at - now, max_retry_after);
}

} // namespace hookd::policy

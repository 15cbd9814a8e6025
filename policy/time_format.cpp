#include "policy/time_format.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace hookd {
namespace {

bool take_digits(std::string_view& s, std::size_t n, int& out) {
  if (s.size() < n)
    return false;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i])))
      return false;
  std::from_chars(s.data(), s.data() + n, out);
  s.remove_prefix(n);
  return true;
}

bool take_char(std::string_view& s, char a, char b = '\0') {
  if (s.empty() || (s.front() != a && (b == '\0' || s.front() != b)))
    return false;
  s.remove_prefix(1);
  return true;
}

} // namespace

std::string format_time(time_point t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[32];
  // snprintf never writes past buf; a year beyond 9999 would only be cut short.
  (void)std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                      static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                      static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                      static_cast<int>(hms.minutes().count()),
                      static_cast<int>(hms.seconds().count()),
                      static_cast<int>(duration_cast<milliseconds>(hms.subseconds()).count()));
  return buf;
}

std::optional<time_point> parse_time(std::string_view s) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!take_digits(s, 4, y) || !take_char(s, '-') || !take_digits(s, 2, mo) || !take_char(s, '-') ||
      !take_digits(s, 2, d) || !take_char(s, 'T', 't') || !take_digits(s, 2, h) ||
      !take_char(s, ':') || !take_digits(s, 2, mi) || !take_char(s, ':') || !take_digits(s, 2, sec))
    return std::nullopt;
  int millis = 0;
  if (take_char(s, '.')) {
    std::size_t n = 0;
    int scale = 100;
    while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) {
      if (scale > 0) {
        millis += (s[n] - '0') * scale;
        scale /= 10;
      }
      ++n;
    }
    if (n == 0)
      return std::nullopt;
    s.remove_prefix(n);
  }
  minutes offset{0};
  if (!take_char(s, 'Z', 'z')) {
    if (s.empty() || (s.front() != '+' && s.front() != '-'))
      return std::nullopt;
    const int sign = s.front() == '-' ? -1 : 1;
    s.remove_prefix(1);
    int oh = 0, om = 0;
    if (!take_digits(s, 2, oh) || !take_char(s, ':') || !take_digits(s, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = minutes{sign * (oh * 60 + om)};
  }
  if (!s.empty() || h > 23 || mi > 59 || sec > 60)
    return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok())
    return std::nullopt;
  return time_point{duration_cast<milliseconds>(sys_days{ymd}.time_since_epoch() + hours{h} +
                                                minutes{mi} + seconds{sec} - offset) +
                    milliseconds{millis}};
}

} // namespace hookd

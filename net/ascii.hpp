#pragma once
// ASCII case-insensitive comparison, as HTTP field names, methods' tokens and auth schemes
// need (RFC 9110 §5.1: field names are case-insensitive). Locale-independent on purpose.
#include <algorithm>
#include <string_view>

namespace hookd::net {

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

} // namespace hookd::net

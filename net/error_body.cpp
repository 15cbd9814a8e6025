#include "net/error_body.hpp"

#include <cstddef>

namespace hookd::net {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

bool continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

/// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one (overlong forms,
/// surrogates and code points above U+10FFFF are not).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = at(0);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0)
      lo = 0xA0; // overlong
    if (c == 0xED)
      hi = 0x9F; // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0)
      lo = 0x90; // overlong
    if (c == 0xF4)
      hi = 0x8F; // above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size() || at(1) < lo || at(1) > hi)
    return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (!continuation(at(k)))
      return 0;
  return n;
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      const std::size_t n = utf8_sequence(s, i);
      if (n == 0) {
        out.append(replacement);
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (u < 0x20) {
          out.append("\\u00");
          out.push_back(hex[(u >> 4) & 0xf]);
          out.push_back(hex[u & 0xf]);
        } else {
          out.push_back(c);
        }
    }
    ++i;
  }
  out.push_back('"');
}

} // namespace

std::string error_body(std::string_view code, std::string_view message) {
  std::string body;
  body.reserve(40 + code.size() + message.size());
  body.append("{\"error\":{\"code\":");
  append_json_string(body, code);
  body.append(",\"message\":");
  append_json_string(body, message);
  body.append("}}");
  return body;
}

} // namespace hookd::net

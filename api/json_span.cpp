#include "api/json_span.hpp"

#include "policy/hex.hpp"

#include <string>

namespace hookd::api {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void skip_space(std::string_view s, std::size_t& i) {
  while (i < s.size() && is_space(s[i]))
    ++i;
}

/// At an opening quote: returns the index after the closing quote.
std::size_t skip_string(std::string_view s, std::size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\')
      ++i;
    else if (s[i] == '"')
      return i + 1;
  }
  return s.size();
}

/// At the start of a value: returns the index just after it.
std::size_t skip_value(std::string_view s, std::size_t i) {
  if (i >= s.size())
    return i;
  if (s[i] == '"')
    return skip_string(s, i);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    for (; i < s.size(); ++i) {
      const char c = s[i];
      if (c == '"') {
        i = skip_string(s, i) - 1;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0)
          return i + 1;
      }
    }
    return s.size();
  }
  while (i < s.size() && !is_space(s[i]) && s[i] != ',' && s[i] != '}' && s[i] != ']')
    ++i; // number, true, false, null
  return i;
}

/// Reads the 4 hex digits of a \u escape starting at `i`; -1 when malformed.
long read_u16(std::string_view s, std::size_t i) {
  if (i + 4 > s.size())
    return -1;
  long v = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    const int d = policy::hex_digit(s[i + k]);
    if (d < 0)
      return -1;
    v = v * 16 + d;
  }
  return v;
}

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// Decodes a quoted JSON string (all escapes, surrogate pairs included) so that keys compare as
/// the JSON parser sees them: "\u0070ayload" is "payload".
std::string key_text(std::string_view quoted) {
  std::string out;
  for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
    if (quoted[i] != '\\') {
      out += quoted[i];
      continue;
    }
    const char e = quoted[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        long cp = read_u16(quoted, i + 1);
        if (cp < 0)
          return out + "\x01"; // malformed: never equal to a name we look for
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < quoted.size() && quoted[i + 1] == '\\' &&
            quoted[i + 2] == 'u') {
          const long low = read_u16(quoted, i + 3);
          if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        append_utf8(out, static_cast<unsigned long>(cp));
        break;
      }
      default: out += e; // \" \\ \/
    }
  }
  return out;
}

} // namespace

std::optional<std::string_view> member_span(std::string_view s, std::string_view name) {
  std::size_t i = 0;
  if (s.starts_with("\xEF\xBB\xBF"))
    i = 3; // a UTF-8 byte order mark, which nlohmann::json skips too
  skip_space(s, i);
  if (i >= s.size() || s[i] != '{')
    return std::nullopt;
  ++i;
  std::optional<std::string_view> found;
  for (;;) {
    skip_space(s, i);
    if (i >= s.size() || s[i] != '"')
      return found; // '}' (empty object or end) or malformed
    const std::size_t key_end = skip_string(s, i);
    const std::string key = key_text(s.substr(i, key_end - i));
    i = key_end;
    skip_space(s, i);
    if (i >= s.size() || s[i] != ':')
      return found;
    ++i;
    skip_space(s, i);
    const std::size_t value_start = i;
    i = skip_value(s, i);
    if (key == name)
      found = s.substr(value_start, i - value_start);
    skip_space(s, i);
    if (i >= s.size() || s[i] != ',')
      return found;
    ++i;
  }
}

std::vector<std::string_view> element_spans(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  skip_space(s, i);
  if (i >= s.size() || s[i] != '[')
    return out;
  ++i;
  for (;;) {
    skip_space(s, i);
    if (i >= s.size() || s[i] == ']')
      return out;
    const std::size_t start = i;
    i = skip_value(s, i);
    out.push_back(s.substr(start, i - start));
    skip_space(s, i);
    if (i >= s.size() || s[i] != ',')
      return out;
    ++i;
  }
}

} // namespace hookd::api

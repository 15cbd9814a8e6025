#include "api/json_span.hpp"

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

/// Decodes a JSON string key well enough to compare it (escapes other than \uXXXX).
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
      case 'u': out += "\\u"; break; // never equal to a plain ASCII name
      default: out += e;
    }
  }
  return out;
}

} // namespace

std::optional<std::string_view> member_span(std::string_view s, std::string_view name) {
  std::size_t i = 0;
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

} // namespace hookd::api

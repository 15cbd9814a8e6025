#pragma once
// HTTP's optional whitespace (RFC 9110 §5.6.3: spaces and horizontal tabs) around a field value
// or list element. Used by every header parser: policy/retry_after and the API server's framing
// checks in net/.
#include <string_view>

namespace hookd::policy {

/// `s` without leading and trailing spaces and tabs.
constexpr std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

} // namespace hookd::policy

#pragma once
// One hex digit's value: the API's %-escapes of query strings and \u escapes of JSON keys, and
// the hex signatures of inbound senders (policy/inbound_verification).
namespace hookd::policy {

/// 0–15, or -1 when `c` is not a hex digit.
constexpr int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace hookd::policy

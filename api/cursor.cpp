#include "api/cursor.hpp"

#include "policy/ids.hpp"
#include "policy/signing.hpp"

#include <algorithm>

namespace hookd::api {
namespace {

constexpr std::string_view prefix = "c1:";
constexpr std::string_view seq_mark = "seq:";

std::string encode_text(std::string_view text_inside) {
  std::string text = policy::base64_encode(std::string{prefix} + std::string{text_inside});
  // URL-safe alphabet, no padding: the cursor goes into a query string as it is.
  std::replace(text.begin(), text.end(), '+', '-');
  std::replace(text.begin(), text.end(), '/', '_');
  text.erase(std::find(text.begin(), text.end(), '='), text.end());
  return text;
}

/// What encode_text wrapped; nullopt when `cursor` is not one of ours.
std::optional<std::string> decode_text(std::string_view cursor) {
  if (cursor.empty() || cursor.size() > 512)
    return std::nullopt;
  std::string text{cursor};
  std::replace(text.begin(), text.end(), '-', '+');
  std::replace(text.begin(), text.end(), '_', '/');
  while (text.size() % 4 != 0)
    text += '=';
  auto raw = policy::base64_decode(text);
  if (!raw || !raw->starts_with(prefix))
    return std::nullopt;
  return raw->substr(prefix.size());
}

} // namespace

std::string encode_cursor(std::string_view last_id) { return encode_text(last_id); }

std::optional<std::string> decode_cursor(std::string_view cursor, std::string_view id_prefix) {
  auto id = decode_text(cursor);
  if (!id || !policy::is_valid_id(*id, id_prefix))
    return std::nullopt;
  return id;
}

std::string encode_seq_cursor(std::int64_t before_seq) {
  return encode_text(std::string{seq_mark} + std::to_string(before_seq));
}

std::optional<std::int64_t> decode_seq_cursor(std::string_view cursor) {
  auto text = decode_text(cursor);
  if (!text || !text->starts_with(seq_mark))
    return std::nullopt;
  const std::string_view digits = std::string_view{*text}.substr(seq_mark.size());
  if (digits.empty() || digits.size() > 18 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  const auto seq = std::stoll(std::string{digits});
  if (seq <= 0)
    return std::nullopt;
  return seq;
}

} // namespace hookd::api

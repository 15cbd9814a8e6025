#include "api/cursor.hpp"

#include "policy/ids.hpp"
#include "policy/signing.hpp"

#include <algorithm>

namespace hookd::api {
namespace {

constexpr std::string_view prefix = "c1:";

} // namespace

std::string encode_cursor(std::string_view last_id) {
  std::string text = policy::base64_encode(std::string{prefix} + std::string{last_id});
  // URL-safe alphabet, no padding: the cursor goes into a query string as it is.
  std::replace(text.begin(), text.end(), '+', '-');
  std::replace(text.begin(), text.end(), '/', '_');
  text.erase(std::find(text.begin(), text.end(), '='), text.end());
  return text;
}

std::optional<std::string> decode_cursor(std::string_view cursor, std::string_view id_prefix) {
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
  std::string id = raw->substr(prefix.size());
  if (!policy::is_valid_id(id, id_prefix))
    return std::nullopt;
  return id;
}

} // namespace hookd::api

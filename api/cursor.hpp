#pragma once
// Opaque pagination cursors: the client passes back what the previous page returned in
// next_cursor; inside it is the last id of that page (ids sort by creation time).
#include <optional>
#include <string>
#include <string_view>

namespace hookd::api {

std::string encode_cursor(std::string_view last_id);

/// The id inside a cursor; nullopt when it is not one of ours (or holds no `prefix` id).
std::optional<std::string> decode_cursor(std::string_view cursor, std::string_view prefix);

} // namespace hookd::api

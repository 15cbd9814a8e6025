#pragma once
// Opaque pagination cursors: the client passes back what the previous page returned in
// next_cursor; inside it is the last id of that page (ids sort by creation time).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hookd::api {

std::string encode_cursor(std::string_view last_id);

/// The id inside a cursor; nullopt when it is not one of ours (or holds no `prefix` id).
std::optional<std::string> decode_cursor(std::string_view cursor, std::string_view prefix);

/// A cursor that holds a position in a store listing (a seq the next page starts below:
/// store::message_page::next_before), for lists that are not ordered by id.
std::string encode_seq_cursor(std::int64_t before_seq);
/// The seq inside such a cursor (> 0); nullopt when it is not one.
std::optional<std::int64_t> decode_seq_cursor(std::string_view cursor);

} // namespace hookd::api

#pragma once
// An endpoint's event-type filter as one JSON text column: `["order.created","order.paid"]`.
// JSON keeps the list readable with the sqlite3 shell and loads in one column read; the filter
// is only ever read whole, so a separate table would add joins and nothing else.
#include <string>
#include <vector>

namespace hookd::store {

std::string encode_event_types(const std::vector<std::string>& types);

/// Throws store::error when `json` is not an array of strings.
std::vector<std::string> decode_event_types(const std::string& json);

} // namespace hookd::store

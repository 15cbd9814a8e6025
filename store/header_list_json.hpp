#pragma once
// An endpoint's custom request headers as one JSON text column: `[["X-Team","billing"]]`, a
// list of pairs so their order and repeated names survive. Read whole, like the event-type
// filter (store/event_types_json.hpp).
#include "store/records.hpp"

#include <string>

namespace hookd::store {

std::string encode_headers(const header_list& headers);

/// Throws store::error when `json` is not a list of [name, value] string pairs.
header_list decode_headers(const std::string& json);

} // namespace hookd::store

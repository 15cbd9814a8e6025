#pragma once
// Finds the raw bytes of one member of a top-level JSON object, e.g. the "payload" of a
// POST /v1/messages body, so hookd stores and sends exactly the bytes the producer sent (no
// re-serialisation: key order, spacing and number spelling survive).
#include <optional>
#include <string_view>
#include <vector>

namespace hookd::api {

/// The value of member `name` of the object `json` (which must already be known to be valid
/// JSON). nullopt when `json` is not an object or has no such member; with duplicate names,
/// the last one (as nlohmann::json and most parsers keep). A leading UTF-8 byte order mark is
/// skipped, as nlohmann::json skips it.
std::optional<std::string_view> member_span(std::string_view json, std::string_view name);

/// The raw bytes of each element of the array `json` (which must already be known to be valid
/// JSON), in order; empty when `json` is not an array.
std::vector<std::string_view> element_spans(std::string_view json);

} // namespace hookd::api

#pragma once
// A cheap guard run on every API body before the JSON parser sees it: operations on a parsed
// nlohmann::json value (copy, dump, compare) and many receivers' parsers (which get the
// payload's bytes) recurse once per nested array or object, so a body of 100,000 '[' must be
// refused before anything recursive touches it.
//
// Promises: one pass over the bytes, no recursion, no allocation; brackets inside strings
// (escapes included, \" and \\) do not count; the scan stops as soon as the limit is passed.
// It does not validate: malformed text within the limit is left to the parser.
#include <cstddef>
#include <string_view>

namespace hookd::api {

/// Levels of arrays/objects a value in a request body may nest below the body's own top-level
/// object: a message's payload may be nested 64 levels deep (docs/api.md, code `too_deep`).
inline constexpr std::size_t max_json_nesting = 64;

/// True when `text` nests arrays/objects more than `levels` deep ("[]" is 1 level, "[[]]" 2,
/// "1" 0).
bool nested_deeper_than(std::string_view text, std::size_t levels);

} // namespace hookd::api

#pragma once
// One pass over a POST /v1/messages body: nlohmann::json's SAX parser validates the whole body
// (the same lexer and grammar as json::parse, so the same bodies are JSON), while a handler
// keeps only the top-level members a message has and the byte span of its "payload" value.
// Nothing is built for the payload: no DOM, no allocation per payload node.
//
// Promises, the same as the DOM path it replaces (nested_deeper_than, json::parse, member_span):
// - too_deep when the body nests arrays/objects more than max_json_nesting + 1 levels (its own
//   object is one), whether or not the rest is valid JSON: the handler stops at the first
//   opening bracket past the limit, and a body the parser refuses is also counted with
//   nested_deeper_than (error path only), as the old guard ran before the parser;
// - with duplicate member names the last one wins (as json::parse keeps), names compared after
//   decoding escapes ("\u0070ayload" is "payload");
// - a leading UTF-8 byte order mark is skipped, as the parser skips it; spans are offsets into
//   the body as given.
//
// How the payload's bytes are found: the SAX interface of nlohmann::json 3.11 reports values,
// not positions. The body is handed to json::sax_parse through a char iterator that records how
// far the parser has advanced it (nlohmann's iterator input adapter advances it once per byte
// the lexer pulls). The lexer pulls exactly the bytes of a token, with one exception: it ends a
// number by pulling the byte after it. So when a handler event arrives, the bytes read end right
// after the token that caused it:
// - the payload starts at the first byte after its name's closing quote that is neither
//   whitespace nor ':';
// - a string, true/false or an object/array (at its closing bracket) ends where the reading
//   stopped; a number ends at its last number character (scanned, a handful of bytes).
// tests/api/message_scan_test.cpp pins every kind of value to the byte.
#include <optional>
#include <string>
#include <string_view>

namespace hookd::api {

/// A top-level member that must be a string, as read: absent, a string (with its text), or
/// some other JSON value.
struct string_member {
  enum class state { absent, string, other };
  state seen = state::absent;
  std::string text; ///< when seen == state::string
};

/// The "payload" member as read.
struct payload_member {
  enum class state {
    absent,
    null,
    value,      ///< `bytes` holds it
    not_located ///< parsed, but its bytes could not be found (the DOM path's safety net)
  };
  state seen = state::absent;
  std::string_view bytes; ///< when seen == state::value: the value exactly as in the body
};

/// The members of a message object (event_type, payload, endpoint_id), last occurrence wins.
struct message_members {
  string_member event_type;
  string_member endpoint_id;
  payload_member payload;
};

/// What one pass over a POST /v1/messages body found.
struct message_scan {
  enum class outcome {
    object,     ///< valid JSON, an object within the nesting limit: see members, unknown_field
    not_object, ///< valid JSON within the limit, but not an object
    malformed,  ///< not JSON
    too_deep    ///< nested more than max_json_nesting levels below the top-level object
  };
  outcome result = outcome::malformed;
  message_members members;
  /// A top-level name other than event_type, payload and endpoint_id: the smallest in byte
  /// order (the first one a json::parse'd object lists).
  std::optional<std::string> unknown_field;
};

/// Reads `body` in one pass. The payload's bytes point into `body`.
message_scan scan_message(std::string_view body);

} // namespace hookd::api

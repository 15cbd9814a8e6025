#include "api/message_scan.hpp"

#include "api/json_depth.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <iterator>

namespace hookd::api {
namespace {

using json = nlohmann::json;

/// A char iterator over the body that records, in `*read_to`, how far it has been advanced:
/// nlohmann's iterator input adapter advances it once per byte the lexer pulls. It has only what
/// that adapter uses: *, prefix ++ (std::advance) and ==.
class reading_iterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  reading_iterator() = default;
  reading_iterator(const char* at, const char** read_to) : at_{at}, read_to_{read_to} {}

  reference operator*() const { return *at_; }
  reading_iterator& operator++() {
    *read_to_ = ++at_;
    return *this;
  }
  bool operator==(const reading_iterator& other) const { return at_ == other.at_; }

 private:
  const char* at_ = nullptr;
  const char** read_to_ = nullptr;
};

bool is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/// The SAX handler: depth, the top-level members a message has, the payload's span.
class message_handler final : public nlohmann::json_sax<json> {
 public:
  explicit message_handler(std::string_view body) : read_to_{body.data()} {}

  const char** read_to() { return &read_to_; }
  bool too_deep() const { return too_deep_; }
  bool top_is_object() const { return top_is_object_; }
  message_members& members() { return members_; }
  std::optional<std::string>& unknown_field() { return unknown_field_; }

  bool null() override {
    if (at_member_value()) {
      if (member_ == member::payload)
        members_.payload = {payload_member::state::null, {}};
      else
        other_value();
    }
    return true;
  }
  bool boolean(bool /*value*/) override { return scalar(read_to_); }
  bool number_integer(number_integer_t /*value*/) override { return number(); }
  bool number_unsigned(number_unsigned_t /*value*/) override { return number(); }
  bool number_float(number_float_t /*value*/, const string_t& /*text*/) override {
    return number();
  }
  bool binary(binary_t& /*value*/) override { return true; } // not in JSON text

  bool string(string_t& value) override {
    if (!at_member_value())
      return true;
    if (member_ == member::event_type)
      members_.event_type = {string_member::state::string, value};
    else if (member_ == member::endpoint_id)
      members_.endpoint_id = {string_member::state::string, value};
    else if (member_ == member::payload)
      payload_value(read_to_);
    return true;
  }

  bool start_object(std::size_t /*elements*/) override {
    if (depth_ == 0)
      top_is_object_ = true;
    return open();
  }
  bool start_array(std::size_t /*elements*/) override { return open(); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& name) override {
    if (depth_ != 1) // only the top-level object's names (a top-level array has none)
      return true;
    if (name == "payload") {
      member_ = member::payload;
      payload_name_end_ = read_to_;
    } else if (name == "event_type") {
      member_ = member::event_type;
    } else if (name == "endpoint_id") {
      member_ = member::endpoint_id;
    } else {
      member_ = member::unknown;
      if (!unknown_field_ || name < *unknown_field_)
        unknown_field_ = name;
    }
    return true;
  }

  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& /*error*/) override {
    return false;
  }

 private:
  enum class member { none, event_type, endpoint_id, payload, unknown };

  /// The value now starting or ending is a member of the top-level object.
  bool at_member_value() const { return depth_ == 1 && top_is_object_; }

  bool open() {
    if (at_member_value()) {
      if (member_ == member::payload)
        payload_start_ = read_to_ - 1; // just after its '{' or '['
      else
        other_value();
    }
    if (++depth_ > max_json_nesting + 1) {
      too_deep_ = true;
      return false;
    }
    return true;
  }

  bool close() {
    --depth_;
    if (at_member_value() && member_ == member::payload)
      members_.payload = {payload_member::state::value,
                          std::string_view{payload_start_,
                                           static_cast<std::size_t>(read_to_ - payload_start_)}};
    return true;
  }

  /// A string, true or false that ends at `end`.
  bool scalar(const char* end) {
    if (at_member_value()) {
      if (member_ == member::payload)
        payload_value(end);
      else
        other_value();
    }
    return true;
  }

  /// The lexer has read one byte past a number: its end is found by scanning it.
  bool number() {
    if (at_member_value() && member_ == member::payload) {
      const char* end = value_start();
      while (end < read_to_ && is_number_char(*end))
        ++end;
      payload_value(end);
      return true;
    }
    return scalar(read_to_);
  }

  /// event_type or endpoint_id holds something other than a string.
  void other_value() {
    if (member_ == member::event_type)
      members_.event_type = {string_member::state::other, {}};
    else if (member_ == member::endpoint_id)
      members_.endpoint_id = {string_member::state::other, {}};
  }

  /// The first byte of the payload's value: after its name, whitespace, ':' and whitespace.
  const char* value_start() const {
    const char* at = payload_name_end_;
    while (*at == ' ' || *at == '\t' || *at == '\n' || *at == '\r' || *at == ':')
      ++at;
    return at;
  }

  /// A scalar payload that ends at `end`.
  void payload_value(const char* end) {
    const char* start = value_start();
    members_.payload = {payload_member::state::value,
                        std::string_view{start, static_cast<std::size_t>(end - start)}};
  }

  const char* read_to_;
  std::size_t depth_ = 0;
  bool top_is_object_ = false;
  bool too_deep_ = false;
  member member_ = member::none;
  const char* payload_name_end_ = nullptr;
  const char* payload_start_ = nullptr;
  message_members members_;
  std::optional<std::string> unknown_field_;
};

} // namespace

message_scan scan_message(std::string_view body) {
  message_handler handler{body};
  const char* begin = body.data();
  const char* end = begin + body.size();
  const bool parsed = json::sax_parse(reading_iterator{begin, handler.read_to()},
                                      reading_iterator{end, handler.read_to()}, &handler,
                                      json::input_format_t::json, /*strict=*/true,
                                      /*ignore_comments=*/false);
  message_scan scan;
  if (handler.too_deep())
    scan.result = message_scan::outcome::too_deep;
  else if (!parsed) // the old guard counted the whole body before the parser saw it
    scan.result = nested_deeper_than(body, max_json_nesting + 1) ? message_scan::outcome::too_deep
                                                                 : message_scan::outcome::malformed;
  else if (!handler.top_is_object())
    scan.result = message_scan::outcome::not_object;
  else {
    scan.result = message_scan::outcome::object;
    scan.members = std::move(handler.members());
    scan.unknown_field = std::move(handler.unknown_field());
  }
  return scan;
}

} // namespace hookd::api

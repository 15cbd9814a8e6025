#pragma once
// Stable small-integer codes for the enums the store persists. The code of a value is its index
// in the table below, independent of the enum's declaration order, so these tables (not
// policy/outcome.hpp) define the on-disk format. Append new values at the end; never reorder.
// A value missing from its table cannot be written (store::error), a code outside the table
// cannot be read (store::error: the file was written by a newer hookd or is damaged).
#include "policy/outcome.hpp"
#include "policy/signature_scheme.hpp"
#include "store/store.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace hookd::store::codes {

template <class Enum>
struct table;

template <>
struct table<delivery_status> {
  static constexpr std::string_view name = "delivery_status";
  static constexpr std::array values{delivery_status::pending,   // 0
                                     delivery_status::delivered, // 1
                                     delivery_status::failed};   // 2
};

template <>
struct table<failure_reason> {
  static constexpr std::string_view name = "failure_reason";
  static constexpr std::array values{failure_reason::none,              // 0
                                     failure_reason::exhausted,         // 1
                                     failure_reason::endpoint_disabled, // 2
                                     failure_reason::endpoint_deleted}; // 3
};

template <>
struct table<attempt_outcome> {
  static constexpr std::string_view name = "attempt_outcome";
  static constexpr std::array values{attempt_outcome::success,    // 0
                                     attempt_outcome::failure,    // 1
                                     attempt_outcome::permanent}; // 2
};

template <>
struct table<attempt_error> {
  static constexpr std::string_view name = "attempt_error";
  static constexpr std::array values{attempt_error::none,              // 0
                                     attempt_error::http_status,       // 1
                                     attempt_error::timeout,           // 2
                                     attempt_error::connect_refused,   // 3
                                     attempt_error::connect_failed,    // 4
                                     attempt_error::dns,               // 5
                                     attempt_error::tls,               // 6
                                     attempt_error::reset,             // 7
                                     attempt_error::protocol,          // 8
                                     attempt_error::forbidden_address, // 9
                                     attempt_error::invalid_url,       // 10
                                     attempt_error::unavailable,       // 11
                                     attempt_error::local_resources};  // 12
};

template <>
struct table<endpoint_status> {
  static constexpr std::string_view name = "endpoint_status";
  static constexpr std::array values{endpoint_status::enabled,   // 0
                                     endpoint_status::disabled}; // 1
};

template <>
struct table<disabled_reason> {
  static constexpr std::string_view name = "disabled_reason";
  static constexpr std::array values{disabled_reason::none,    // 0
                                     disabled_reason::gone,    // 1
                                     disabled_reason::failing, // 2
                                     disabled_reason::manual}; // 3
};

template <>
struct table<signature_scheme> {
  static constexpr std::string_view name = "signature_scheme";
  static constexpr std::array values{signature_scheme::standard,  // 0
                                     signature_scheme::typeform}; // 1
};

/// The on-disk code of `value`.
template <class Enum>
std::int64_t encode(Enum value) {
  const auto& values = table<Enum>::values;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (values[i] == value)
      return static_cast<std::int64_t>(i);
  throw error("no storage code for " + std::string{table<Enum>::name} + " value " +
              std::to_string(static_cast<int>(value)));
}

/// The value stored as `code`.
template <class Enum>
Enum decode(std::int64_t code) {
  const auto& values = table<Enum>::values;
  if (code < 0 || code >= static_cast<std::int64_t>(values.size()))
    throw error("unknown " + std::string{table<Enum>::name} + " code " + std::to_string(code) +
                " in the database (written by a newer hookd, or damaged)");
  return values[static_cast<std::size_t>(code)];
}

} // namespace hookd::store::codes

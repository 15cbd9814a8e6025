#include "policy/outcome.hpp"

#include <array>
#include <utility>

namespace hookd {
namespace {

template <class Enum, std::size_t N>
using name_table = std::array<std::pair<Enum, std::string_view>, N>;

constexpr name_table<attempt_outcome, 3> attempt_outcome_names{{
    {attempt_outcome::success, "success"},
    {attempt_outcome::failure, "failure"},
    {attempt_outcome::permanent, "permanent"},
}};

constexpr name_table<attempt_error, 13> attempt_error_names{{
    {attempt_error::none, "none"},
    {attempt_error::http_status, "http_status"},
    {attempt_error::timeout, "timeout"},
    {attempt_error::connect_refused, "connect_refused"},
    {attempt_error::connect_failed, "connect_failed"},
    {attempt_error::dns, "dns"},
    {attempt_error::tls, "tls"},
    {attempt_error::reset, "reset"},
    {attempt_error::protocol, "protocol"},
    {attempt_error::forbidden_address, "forbidden_address"},
    {attempt_error::invalid_url, "invalid_url"},
    {attempt_error::unavailable, "unavailable"},
    {attempt_error::local_resources, "local_resources"},
}};

constexpr name_table<delivery_status, 3> delivery_status_names{{
    {delivery_status::pending, "pending"},
    {delivery_status::delivered, "delivered"},
    {delivery_status::failed, "failed"},
}};

constexpr name_table<failure_reason, 4> failure_reason_names{{
    {failure_reason::none, "none"},
    {failure_reason::exhausted, "exhausted"},
    {failure_reason::endpoint_disabled, "endpoint_disabled"},
    {failure_reason::endpoint_deleted, "endpoint_deleted"},
}};

constexpr name_table<endpoint_status, 2> endpoint_status_names{{
    {endpoint_status::enabled, "enabled"},
    {endpoint_status::disabled, "disabled"},
}};

constexpr name_table<disabled_reason, 4> disabled_reason_names{{
    {disabled_reason::none, "none"},
    {disabled_reason::gone, "gone"},
    {disabled_reason::failing, "failing"},
    {disabled_reason::manual, "manual"},
}};

template <class Enum, std::size_t N>
std::string_view name_of(const name_table<Enum, N>& table, Enum x) {
  for (const auto& [value, name] : table)
    if (value == x)
      return name;
  return "unknown";
}

template <class Enum, std::size_t N>
std::optional<Enum> value_of(const name_table<Enum, N>& table, std::string_view name) {
  for (const auto& [value, entry] : table)
    if (entry == name)
      return value;
  return std::nullopt;
}

} // namespace

std::string_view to_string(attempt_outcome x) {
  return name_of(attempt_outcome_names, x);
}
std::string_view to_string(attempt_error x) {
  return name_of(attempt_error_names, x);
}
std::string_view to_string(delivery_status x) {
  return name_of(delivery_status_names, x);
}
std::string_view to_string(failure_reason x) {
  return name_of(failure_reason_names, x);
}
std::string_view to_string(endpoint_status x) {
  return name_of(endpoint_status_names, x);
}
std::string_view to_string(disabled_reason x) {
  return name_of(disabled_reason_names, x);
}

template <>
std::optional<attempt_outcome> enum_from_string(std::string_view n) {
  return value_of(attempt_outcome_names, n);
}
template <>
std::optional<attempt_error> enum_from_string(std::string_view n) {
  return value_of(attempt_error_names, n);
}
template <>
std::optional<delivery_status> enum_from_string(std::string_view n) {
  return value_of(delivery_status_names, n);
}
template <>
std::optional<failure_reason> enum_from_string(std::string_view n) {
  return value_of(failure_reason_names, n);
}
template <>
std::optional<endpoint_status> enum_from_string(std::string_view n) {
  return value_of(endpoint_status_names, n);
}
template <>
std::optional<disabled_reason> enum_from_string(std::string_view n) {
  return value_of(disabled_reason_names, n);
}

} // namespace hookd

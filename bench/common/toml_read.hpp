#pragma once
// Typed reads from toml++ tables with errors that name the key (scenario files are hand-written).
#include <toml++/toml.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hookd::bench {

struct toml_reader {
  const toml::table& table;
  std::string where; ///< "groups[2]" etc., for messages

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw std::runtime_error(where + "." + key + ": " + what);
  }

  std::optional<std::string> string(const std::string& key) const {
    auto node = table.get(key);
    if (!node)
      return std::nullopt;
    if (auto v = node->value<std::string>(); v && node->is_string())
      return *v;
    fail(key, "must be a string");
  }
  std::optional<double> number(const std::string& key) const {
    auto node = table.get(key);
    if (!node)
      return std::nullopt;
    if (node->is_floating_point() || node->is_integer())
      return *node->value<double>();
    fail(key, "must be a number");
  }
  std::optional<std::int64_t> integer(const std::string& key) const {
    auto node = table.get(key);
    if (!node)
      return std::nullopt;
    if (node->is_integer())
      return *node->value<std::int64_t>();
    fail(key, "must be an integer");
  }
  std::optional<bool> boolean(const std::string& key) const {
    auto node = table.get(key);
    if (!node)
      return std::nullopt;
    if (node->is_boolean())
      return *node->value<bool>();
    fail(key, "must be true or false");
  }
  /// A duration string ("250ms", "15s", "2m", "1h") in seconds.
  std::optional<double> seconds(const std::string& key) const;
  std::optional<std::vector<int>> integers(const std::string& key) const {
    auto node = table.get(key);
    if (!node)
      return std::nullopt;
    auto* arr = node->as_array();
    if (!arr)
      fail(key, "must be an array of integers");
    std::vector<int> out;
    for (auto& item : *arr) {
      if (!item.is_integer())
        fail(key, "must be an array of integers");
      out.push_back(static_cast<int>(*item.value<std::int64_t>()));
    }
    return out;
  }
  std::optional<std::vector<std::string>> strings(const std::string& key) const {
    auto node = table.get(key);
    if (!node)
      return std::nullopt;
    auto* arr = node->as_array();
    if (!arr)
      fail(key, "must be an array of strings");
    std::vector<std::string> out;
    for (auto& item : *arr) {
      if (!item.is_string())
        fail(key, "must be an array of strings");
      out.push_back(*item.value<std::string>());
    }
    return out;
  }
  const toml::table* subtable(const std::string& key) const {
    auto node = table.get(key);
    if (!node)
      return nullptr;
    if (auto* t = node->as_table())
      return t;
    fail(key, "must be a table");
  }
  /// Throws on a key not in `known` (typos must not pass silently).
  void only(std::initializer_list<std::string_view> known) const {
    for (auto& [k, v] : table) {
      bool ok = false;
      for (auto n : known)
        ok = ok || n == k.str();
      if (!ok)
        throw std::runtime_error(where + ": unknown key \"" + std::string{k.str()} + "\"");
    }
  }
};


} // namespace hookd::bench

namespace hookd::bench {
struct endpoint_group;
/// The [[groups]] array of a parsed scenario (see endpoint_group.hpp).
std::vector<endpoint_group> parse_groups_table(const toml::table& root);
} // namespace hookd::bench

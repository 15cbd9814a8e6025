#pragma once
// JSON views of hookd API answers for tests (header-only; nlohmann::ordered_json keeps the
// field order hookd wrote, so tests can check it).
#include "tests/support/http_exchange.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace hookd::testing {

using json = nlohmann::ordered_json;

/// "<status> <body>" (or the transport error) for failure messages.
inline std::string show(const http_response& r) {
  if (!r.answered())
    return "no answer (" + r.error + ")";
  return std::to_string(r.status) + " " + r.body;
}

/// The body of an answer as JSON (fails the test when it is not JSON).
inline json json_of(const http_response& r) {
  json doc = json::parse(r.body, nullptr, false);
  if (doc.is_discarded())
    FAIL("not JSON: " << show(r));
  return doc;
}

/// `error.code` of an error answer ("" when the body has none).
inline std::string error_code(const http_response& r) {
  const json doc = json::parse(r.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("error") ||
      !doc["error"].is_object() || !doc["error"].contains("code") ||
      !doc["error"]["code"].is_string())
    return {};
  return doc["error"]["code"].get<std::string>();
}

/// Field names of an object in the order they arrived.
inline std::vector<std::string> keys_of(const json& obj) {
  std::vector<std::string> out;
  for (const auto& [key, value] : obj.items())
    out.push_back(key);
  return out;
}

/// The "id" of a resource.
inline std::string id_of(const json& resource) {
  return resource["id"].get<std::string>();
}

} // namespace hookd::testing

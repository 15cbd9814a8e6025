#pragma once
// Shared by the Svix API tests (tests/api_http/svix_*_test.cpp): calls under /api/v1 on the
// in-process API, and every answer's body checked against docs/svix-openapi.json.
#include "tests/api_http/api_harness.hpp"
#include "tests/support/openapi_schema.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#ifndef HOOKD_SOURCE_DIR
#error "HOOKD_SOURCE_DIR must name the repository root (see tests/CMakeLists.txt)"
#endif

namespace hookd::testing::svix {

inline const openapi_schemas& schemas() {
  static const openapi_schemas doc = [] {
    std::ifstream in{std::string(HOOKD_SOURCE_DIR) + "/docs/svix-openapi.json"};
    std::stringstream text;
    text << in.rdbuf();
    return openapi_schemas{nlohmann::json::parse(text.str())};
  }();
  return doc;
}

/// Fails the test (naming the problems) unless `value` conforms to schema `name`.
template <class Json>
void check_shape(const Json& value, const std::string& name) {
  const auto problems = schemas().check(value, name);
  for (const auto& p : problems)
    FAIL_CHECK(name << " " << p << "\n  in " << value.dump());
}

/// A call that must answer `status`; its body as JSON (an empty body: null), shape-checked
/// against `schema` when one is named.
inline json expect(api_harness& api, std::string_view method, std::string_view target,
                   std::string_view body, int status, const std::string& schema = {},
                   const header_list& extra = {}) {
  auto r = api.call(method, target, body, extra);
  INFO(method << " " << target << " -> " << show(r));
  REQUIRE(r.status == status);
  if (r.body.empty())
    return json(nullptr);
  auto doc = json_of(r);
  if (!schema.empty())
    check_shape(doc, schema);
  return doc;
}

/// POST /api/v1/app; the application.
inline json create_app(api_harness& api, const std::string& name, const std::string& uid = {}) {
  json body{{"name", name}};
  if (!uid.empty())
    body["uid"] = uid;
  return expect(api, "POST", "/api/v1/app", body.dump(), 201, "ApplicationOut");
}

/// POST /api/v1/app/{app}/endpoint; the endpoint.
inline json create_endpoint(api_harness& api, const std::string& app, json body) {
  return expect(api, "POST", "/api/v1/app/" + app + "/endpoint", body.dump(), 201, "EndpointOut");
}

/// POST /api/v1/app/{app}/msg; the message.
inline json send(api_harness& api, const std::string& app, const std::string& type,
                 const std::string& payload = R"({"n":1})", const std::string& event_id = {}) {
  std::string body = R"({"eventType":")" + type + R"(","payload":)" + payload;
  if (!event_id.empty())
    body += R"(,"eventId":")" + event_id + "\"";
  body += "}";
  return expect(api, "POST", "/api/v1/app/" + app + "/msg", body, 202, "MessageOut");
}

/// Every item of a Svix list, following `iterator` until `done` (each page shape-checked).
inline std::vector<json> all_items(api_harness& api, const std::string& target,
                                   const std::string& list_schema, int* pages = nullptr) {
  std::vector<json> items;
  std::string iterator;
  int n = 0;
  for (;;) {
    const char* sep = target.find('?') == std::string::npos ? "?" : "&";
    auto page = expect(api, "GET", iterator.empty() ? target : target + sep + "iterator=" + iterator,
                       {}, 200, list_schema);
    ++n;
    for (const auto& item : page["data"])
      items.push_back(item);
    if (page["done"].get<bool>())
      break;
    REQUIRE(page["iterator"].is_string());
    iterator = page["iterator"].get<std::string>();
    REQUIRE(n < 10'000);
  }
  if (pages)
    *pages = n;
  return items;
}

} // namespace hookd::testing::svix

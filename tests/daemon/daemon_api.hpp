#pragma once
// Calls to a running daemon's API for the tests in tests/daemon (header-only, like api_json.hpp).
#include "tests/daemon/daemon_process.hpp"
#include "tests/support/api_json.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

namespace hookd::testing {

/// One API call to the daemon on a fresh connection (a JSON body when `body` is not empty).
inline http_response call(const daemon_process& d, std::string_view method,
                          std::string_view target, const std::string& body = {}) {
  return http_exchange(
      method, d.url(target),
      body.empty() ? header_list{} : header_list{{"Content-Type", "application/json"}}, body);
}

/// POST /v1/endpoints with `url` and `fields`; the created endpoint (fails the test unless 201).
inline json create_endpoint(const daemon_process& d, const std::string& url,
                            json fields = json::object()) {
  fields["url"] = url;
  auto r = call(d, "POST", "/v1/endpoints", fields.dump());
  INFO(show(r));
  REQUIRE(r.status == 201);
  return json_of(r);
}

} // namespace hookd::testing

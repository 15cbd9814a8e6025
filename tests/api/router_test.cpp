#include "api/router.hpp"

#include <catch2/catch.hpp>

using namespace hookd::api;

namespace {

route_match matched(std::string_view method, std::string_view target) {
  auto m = match_route(method, target);
  REQUIRE(std::holds_alternative<route_match>(m));
  return std::get<route_match>(m);
}

int error_status(std::string_view method, std::string_view target) {
  auto m = match_route(method, target);
  REQUIRE(std::holds_alternative<api_error>(m));
  return std::get<api_error>(m).status;
}

} // namespace

TEST_CASE("every documented route matches, with its parameter", "[api][router]") {
  struct row {
    const char* method;
    const char* target;
    route id;
    const char* param;
  };
  const row table[] = {
      {"POST", "/v1/endpoints", route::create_endpoint, ""},
      {"GET", "/v1/endpoints?limit=5&cursor=abc", route::list_endpoints, ""},
      {"GET", "/v1/endpoints/ep_1", route::get_endpoint, "ep_1"},
      {"PATCH", "/v1/endpoints/ep_1", route::patch_endpoint, "ep_1"},
      {"DELETE", "/v1/endpoints/ep_1", route::delete_endpoint, "ep_1"},
      {"POST", "/v1/endpoints/ep_1/enable", route::enable_endpoint, "ep_1"},
      {"POST", "/v1/endpoints/ep_1/disable", route::disable_endpoint, "ep_1"},
      {"POST", "/v1/endpoints/ep_1/recover", route::recover_endpoint, "ep_1"},
      {"POST", "/v1/endpoints/ep_1/secret/rotate", route::rotate_secret, "ep_1"},
      {"GET", "/v1/endpoints/ep_1/secret", route::get_secret, "ep_1"},
      {"POST", "/v1/messages", route::create_message, ""},
      {"POST", "/v1/messages/batch", route::create_message_batch, ""},
      {"GET", "/v1/messages/msg_1", route::get_message, "msg_1"},
      {"GET", "/v1/messages/msg_1/attempts", route::list_attempts, "msg_1"},
      {"POST", "/v1/messages/msg_1/retry", route::retry_message, "msg_1"},
      {"GET", "/v1/stats", route::stats, ""},
      {"GET", "/v1/alerts?limit=5", route::alerts, ""},
      {"GET", "/metrics", route::metrics, ""},
      {"GET", "/", route::dashboard, ""},
      {"GET", "/healthz", route::healthz, ""},
      {"GET", "/readyz", route::readyz, ""},
      {"GET", "/v1/cluster", route::cluster, ""},
      {"GET", "/v1/applications", route::list_applications, ""},
      {"GET", "/v1/applications/app_1", route::get_application, "app_1"},
      {"GET", "/v1/messages?status=failed", route::list_messages, ""},
      {"POST", "/v1/sources", route::create_source, ""},
      {"GET", "/v1/sources?limit=5", route::list_sources, ""},
      {"GET", "/v1/sources/src_1", route::get_source, "src_1"},
      {"PATCH", "/v1/sources/src_1", route::patch_source, "src_1"},
      {"DELETE", "/v1/sources/src_1", route::delete_source, "src_1"},
      {"GET", "/v1/sources/src_1/secret", route::get_source_secret, "src_1"},
      {"POST", "/v1/sources/src_1/secret/rotate", route::rotate_source_secret, "src_1"},
      {"POST", "/in/src_1?token=abc", route::inbound, "src_1"},
      {"GET", "/api/v1/app", route::svix_list_applications, ""},
      {"POST", "/api/v1/app/?get_if_exists=true", route::svix_create_application, ""},
      {"GET", "/api/v1/app/acme", route::svix_get_application, "acme"},
      {"PUT", "/api/v1/app/acme", route::svix_update_application, "acme"},
      {"PATCH", "/api/v1/app/acme", route::svix_patch_application, "acme"},
      {"DELETE", "/api/v1/app/acme", route::svix_delete_application, "acme"},
      {"GET", "/api/v1/app/acme/endpoint", route::svix_list_endpoints, "acme"},
      {"POST", "/api/v1/app/acme/endpoint", route::svix_create_endpoint, "acme"},
      {"GET", "/api/v1/app/acme/endpoint/ep_1", route::svix_get_endpoint, "acme"},
      {"PUT", "/api/v1/app/acme/endpoint/ep_1", route::svix_update_endpoint, "acme"},
      {"PATCH", "/api/v1/app/acme/endpoint/ep_1", route::svix_patch_endpoint, "acme"},
      {"DELETE", "/api/v1/app/acme/endpoint/ep_1", route::svix_delete_endpoint, "acme"},
      {"GET", "/api/v1/app/acme/endpoint/ep_1/secret", route::svix_get_endpoint_secret, "acme"},
      {"POST", "/api/v1/app/acme/endpoint/ep_1/secret/rotate", route::svix_rotate_endpoint_secret, "acme"},
      {"POST", "/api/v1/app/acme/endpoint/ep_1/recover", route::svix_recover_endpoint, "acme"},
      {"GET", "/api/v1/app/acme/endpoint/ep_1/headers", route::svix_get_endpoint_headers, "acme"},
      {"PUT", "/api/v1/app/acme/endpoint/ep_1/headers", route::svix_update_endpoint_headers, "acme"},
      {"PATCH", "/api/v1/app/acme/endpoint/ep_1/headers", route::svix_patch_endpoint_headers, "acme"},
      {"GET", "/api/v1/app/acme/msg", route::svix_list_messages, "acme"},
      {"POST", "/api/v1/app/acme/msg", route::svix_create_message, "acme"},
      {"GET", "/api/v1/app/acme/msg/msg_1", route::svix_get_message, "acme"},
      {"GET", "/api/v1/app/acme/attempt/msg/msg_1", route::svix_list_attempts_by_message, "acme"},
      {"GET", "/api/v1/app/acme/attempt/endpoint/ep_1", route::svix_list_attempts_by_endpoint, "acme"},
      {"GET", "/api/v1/app/acme/msg/msg_1/attempt", route::svix_list_message_attempts, "acme"},
      {"GET", "/api/v1/app/acme/msg/msg_1/attempt/atmpt_1", route::svix_get_attempt, "acme"},
      {"POST", "/api/v1/app/acme/msg/msg_1/endpoint/ep_1/resend", route::svix_resend, "acme"},
      {"GET", "/api/v1/event-type", route::svix_list_event_types, ""},
      {"POST", "/api/v1/event-type", route::svix_create_event_type, ""},
      {"GET", "/api/v1/event-type/invoice.paid", route::svix_get_event_type, "invoice.paid"},
  };
  for (const auto& r : table) {
    INFO(r.method << " " << r.target);
    auto m = matched(r.method, r.target);
    CHECK(m.id == r.id);
    CHECK(m.param == r.param);
  }
  CHECK(all_routes().size() == std::size(table));
}

TEST_CASE("every path parameter is kept, in order, and the dialect follows the prefix", "[api][router]") {
  auto m = matched("POST", "/api/v1/app/acme/msg/msg_1/endpoint/ep_1/resend");
  CHECK(m.params == std::vector<std::string>{"acme", "msg_1", "ep_1"});
  CHECK(m.dialect == api_dialect::svix);
  CHECK(matched("GET", "/v1/endpoints/ep_1").dialect == api_dialect::native);
  CHECK(matched("GET", "/v1/endpoints/ep_1").params == std::vector<std::string>{"ep_1"});
}

TEST_CASE("query parameters are decoded", "[api][router]") {
  auto m = matched("GET", "/v1/endpoints?limit=10&cursor=a%2Bb%3D&x");
  CHECK(m.query.at("limit") == "10");
  CHECK(m.query.at("cursor") == "a+b=");
  CHECK(m.query.at("x").empty());
}

TEST_CASE("unknown paths are 404, wrong methods 405, bad queries 400", "[api][router]") {
  CHECK(error_status("GET", "/v2/endpoints") == 404);
  CHECK(error_status("GET", "/v1/endpoints/ep_1/nope") == 404);
  CHECK(error_status("PUT", "/v1/endpoints/ep_1") == 405);
  CHECK(std::get<api_error>(match_route("PUT", "/v1/endpoints/ep_1")).allow == "GET, PATCH, DELETE");
  CHECK(error_status("DELETE", "/v1/messages") == 405);
  CHECK(error_status("GET", "/v1/endpoints?cursor=%zz") == 400);
}

TEST_CASE("health routes need no token, the API does", "[api][router]") {
  CHECK_FALSE(matched("GET", "/healthz").needs_auth);
  CHECK_FALSE(matched("GET", "/readyz").needs_auth);
  CHECK_FALSE(matched("GET", "/").needs_auth); // the page asks for the token itself
  CHECK(matched("GET", "/metrics").needs_auth);
  CHECK(matched("GET", "/v1/endpoints").needs_auth);
}

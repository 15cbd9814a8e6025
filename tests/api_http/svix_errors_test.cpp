// Bad input to the Svix API: every refusal in Svix's error shapes ({code, detail}; 422
// {detail: [{loc, msg, type}]}), nothing half-written, unknown members and query parameters
// ignored, unknown applications, endpoints and messages 404 — and the server's own refusals
// (401 before the body, 413 while reading it) in the same shapes under /api/.
#include "tests/api_http/svix_support.hpp"

using namespace hookd;
using namespace hookd::testing;
using namespace hookd::testing::svix;

namespace {

/// A refusal with `status` whose body has Svix's shape for it.
void refused(api_harness& api, std::string_view method, const std::string& target, std::string_view body,
             int status, const std::vector<std::string>& loc = {}) {
  auto r = api.call(method, target, body);
  INFO(method << " " << target << " " << body << " -> " << show(r));
  REQUIRE(r.status == status);
  auto doc = json_of(r);
  if (status == 422) {
    check_shape(doc, "HTTPValidationError");
    if (!loc.empty())
      CHECK(doc["detail"][0]["loc"] == json(loc));
  } else {
    check_shape(doc, "HttpErrorOut");
    CHECK(doc["detail"].get<std::string>().size() > 0);
  }
}

} // namespace

TEST_CASE("svix: malformed JSON is a 400, wrong types and values 422 naming the member", "[api][svix][errors]") {
  api_harness api;
  test_receiver rx;
  create_app(api, "A", "a");
  for (const char* body : {"{", "not json", "[1,2]", "\"text\"", ""})
    refused(api, "POST", "/api/v1/app", body, 400);
  refused(api, "POST", "/api/v1/app", R"({})", 422, {"body", "name"});
  refused(api, "POST", "/api/v1/app", R"({"name":5})", 422, {"body", "name"});
  refused(api, "POST", "/api/v1/app", R"({"name":"x","uid":"has space"})", 422, {"body", "uid"});
  refused(api, "POST", "/api/v1/app", R"({"name":"x","rateLimit":0})", 422, {"body", "rateLimit"});
  refused(api, "POST", "/api/v1/app", R"({"name":"x","rateLimit":"5"})", 422, {"body", "rateLimit"});
  refused(api, "POST", "/api/v1/app", R"({"name":"x","metadata":{"a":1}})", 422, {"body", "metadata"});
  refused(api, "POST", "/api/v1/app", R"({"name":"x","metadata":[]})", 422, {"body", "metadata"});

  const std::string eps = "/api/v1/app/a/endpoint";
  refused(api, "POST", eps, R"({})", 422, {"body", "url"});
  refused(api, "POST", eps, R"({"url":"ftp://example.test/"})", 422, {"body", "url"});
  refused(api, "POST", eps, R"({"url":42})", 422, {"body", "url"});
  refused(api, "POST", eps, json{{"url", rx.url("/")}, {"filterTypes", json::array()}}.dump(), 422, {"body", "filterTypes"});
  refused(api, "POST", eps, json{{"url", rx.url("/")}, {"filterTypes", {"a b"}}}.dump(), 422, {"body", "filterTypes"});
  refused(api, "POST", eps, json{{"url", rx.url("/")}, {"disabled", "yes"}}.dump(), 422, {"body", "disabled"});
  refused(api, "POST", eps, json{{"url", rx.url("/")}, {"secret", "too-short"}}.dump(), 422, {"body", "secret"});
  refused(api, "POST", eps, json{{"url", rx.url("/")}, {"channels", {"eu"}}}.dump(), 422, {"body", "channels"});
  refused(api, "POST", eps, json{{"url", rx.url("/")}, {"headers", {{"X-A", 1}}}}.dump(), 422, {"body", "headers"});

  const std::string msgs = "/api/v1/app/a/msg";
  refused(api, "POST", msgs, R"({"payload":{}})", 422, {"body", "eventType"});
  refused(api, "POST", msgs, R"({"eventType":"a b","payload":{}})", 422, {"body", "eventType"});
  refused(api, "POST", msgs, R"({"eventType":"t"})", 422, {"body", "payload"});
  refused(api, "POST", msgs, R"({"eventType":"t","payload":[1]})", 422, {"body", "payload"});
  refused(api, "POST", msgs, R"({"eventType":"t","payload":{},"eventId":7})", 422, {"body", "eventId"});
  refused(api, "POST", msgs, R"({"eventType":"t","payload":{},"channels":[]})", 422, {"body", "channels"});
  refused(api, "POST", msgs, R"({"eventType":"t","payload":{},"application":{"name":"x"}})", 422,
          {"body", "application"});
  refused(api, "POST", "/api/v1/event-type", R"({"name":"t"})", 422, {"body", "description"});

  // Nothing of a refused request was written.
  CHECK(json_of(api.call("GET", "/api/v1/app/a/endpoint"))["data"].empty());
  CHECK(json_of(api.call("GET", "/api/v1/app/a/msg"))["data"].empty());
  CHECK(json_of(api.call("GET", "/api/v1/app"))["data"].size() == 1);
}

TEST_CASE("svix: unknown members and query parameters are ignored", "[api][svix][errors]") {
  api_harness api;
  test_receiver rx;
  auto app = expect(api, "POST", "/api/v1/app?some_future_flag=1",
                    R"({"name":"A","uid":"a","someFutureField":{"x":1}})", 201, "ApplicationOut");
  CHECK_FALSE(app.contains("someFutureField"));
  create_endpoint(api, "a", {{"url", rx.url("/")}, {"version", 1}, {"futureThing", true}});
  auto msg = expect(api, "POST", "/api/v1/app/a/msg?with_content=true&x=y",
                    R"({"eventType":"t","payload":{"k":"v"},"tags":["a"],"payloadRetentionPeriod":30})",
                    202, "MessageOut");
  CHECK(msg["payload"]["k"] == "v");
  expect(api, "GET", "/api/v1/app/a/msg?expanded_statuses=true&with_content=false", {}, 200,
         "ListResponse_MessageOut_");
}

TEST_CASE("svix: unknown applications, endpoints, messages and attempts are 404", "[api][svix][errors]") {
  api_harness api;
  create_app(api, "A", "a");
  for (const std::string target : {"/api/v1/app/nope", "/api/v1/app/nope/endpoint", "/api/v1/app/nope/msg",
                                   "/api/v1/app/a/endpoint/ep_nope", "/api/v1/app/a/endpoint/ep_nope/secret",
                                   "/api/v1/app/a/endpoint/ep_nope/headers", "/api/v1/app/a/msg/msg_nope",
                                   "/api/v1/app/a/attempt/msg/msg_nope", "/api/v1/app/a/attempt/endpoint/ep_nope",
                                   "/api/v1/event-type/nope", "/api/v1/nothing-here"})
    refused(api, "GET", target, {}, 404);
  refused(api, "POST", "/api/v1/app/nope/msg", R"({"eventType":"t","payload":{}})", 404);
  refused(api, "POST", "/api/v1/app/nope/endpoint", R"({"url":"https://example.test/"})", 404);
  refused(api, "DELETE", "/api/v1/app/a/endpoint/ep_nope", {}, 404);
  refused(api, "POST", "/api/v1/app/a/msg/msg_nope/endpoint/ep_nope/resend", {}, 404);
}

TEST_CASE("svix: list queries are checked: limit, iterator, times, status", "[api][svix][errors]") {
  api_harness api;
  create_app(api, "A", "a");
  refused(api, "GET", "/api/v1/app?limit=0", {}, 422, {"query", "limit"});
  refused(api, "GET", "/api/v1/app?limit=251", {}, 422, {"query", "limit"});
  refused(api, "GET", "/api/v1/app?limit=ten", {}, 422, {"query", "limit"});
  refused(api, "GET", "/api/v1/app?iterator=garbage", {}, 422, {"query", "iterator"});
  refused(api, "GET", "/api/v1/app/a/msg?iterator=garbage", {}, 422, {"query", "iterator"});
  refused(api, "GET", "/api/v1/app/a/msg?before=yesterday", {}, 422, {"query", "before"});
  refused(api, "GET", "/api/v1/app/a/msg?event_types=a,b%20c", {}, 422, {"query", "event_types"});
  refused(api, "GET", "/api/v1/app/a/attempt/endpoint/ep_x?status=7", {}, 422, {"query", "status"});
}

TEST_CASE("svix: the server's own refusals under /api/ have Svix's shape", "[api][svix][errors]") {
  api_harness api; // 4 KiB body limit
  create_app(api, "A", "a");
  // Over the body limit: 413 while reading, before any handler.
  const std::string big = R"({"eventType":"t","payload":{"pad":")" + std::string(8000, 'x') + "\"}}";
  refused(api, "POST", "/api/v1/app/a/msg", big, 413);
  // No or a wrong token: 401 on the head.
  auto anonymous = api.call_anonymous("GET", "/api/v1/app");
  CHECK(anonymous.status == 401);
  check_shape(json_of(anonymous), "HttpErrorOut");
  auto wrong = api.call_anonymous("POST", "/api/v1/app", R"({"name":"x"})", {{"Authorization", "Bearer nope"}});
  CHECK(wrong.status == 401);
  check_shape(json_of(wrong), "HttpErrorOut");
  // A method the path does not take: 405, same shape.
  refused(api, "DELETE", "/api/v1/app", {}, 405);
  // The native API keeps its own shape.
  auto native = api.call("GET", "/v1/endpoints/ep_nope");
  CHECK(native.status == 404);
  CHECK(error_code(native) == "not_found");
  CHECK(json_of(api.call("POST", "/v1/messages", std::string(8000, ' ')))["error"]["code"] == "payload_too_large");
}

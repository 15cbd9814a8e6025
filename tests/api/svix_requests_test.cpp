// The Svix API's request parsing (api/svix/svix_requests.hpp), table by table: what each body
// and query becomes, and where a 422 points.
#include "api/svix/svix_requests.hpp"

#include <catch2/catch.hpp>

using namespace hookd;
using namespace hookd::api;
using namespace hookd::api::svix;

namespace {

struct refusal_row {
  const char* body;
  int status;
  const char* member; ///< loc[1] of a 422; "" for a 400
};

template <class T>
void check_refusals(const std::vector<refusal_row>& rows, const std::function<parsed<T>(std::string_view)>& parse) {
  for (const auto& row : rows) {
    INFO(row.body);
    auto r = parse(row.body);
    REQUIRE(std::holds_alternative<api_error>(r));
    const auto& e = std::get<api_error>(r);
    CHECK(e.status == row.status);
    if (row.status == 422) {
      REQUIRE(e.loc.size() == 2);
      CHECK(e.loc[1] == row.member);
    }
  }
}

const target_policy open_targets = target_policy::from_config(true, {});

} // namespace

TEST_CASE("svix requests: applications, modes and nulls", "[api][svix]") {
  auto a = std::get<application_in>(parse_application(R"({"name":"A","uid":"a-1.b_2","throttleRate":7,"metadata":{"k":"v"},"future":1})", body_mode::create));
  CHECK(*a.name.value == "A");
  CHECK(*a.uid.value == "a-1.b_2");
  CHECK(*a.rate_limit.value == 7);
  CHECK(*a.metadata.value == R"({"k":"v"})");
  auto p = std::get<application_in>(parse_application(R"({"uid":null,"rateLimit":0})", body_mode::patch));
  CHECK_FALSE(p.name.present);
  CHECK(p.uid.present);
  CHECK_FALSE(p.uid.value);
  CHECK(*p.rate_limit.value == 0); // a patch takes 0 (Svix: minimum 0 on patch, 1 on create)
  check_refusals<application_in>(
      {{"{", 400, ""},
       {"[]", 400, ""},
       {"{}", 422, "name"},
       {R"({"name":""})", 422, "name"},
       {R"({"name":null})", 422, "name"},
       {R"({"name":"A","uid":""})", 422, "uid"},
       {R"({"name":"A","uid":"a/b"})", 422, "uid"},
       {R"({"name":"A","rateLimit":0})", 422, "rateLimit"},
       {R"({"name":"A","rateLimit":65536})", 422, "rateLimit"},
       {R"({"name":"A","rateLimit":1.5})", 422, "rateLimit"},
       {R"({"name":"A","metadata":{"k":1}})", 422, "metadata"},
       {R"({"name":"A","metadata":null})", 422, "metadata"}},
      [](std::string_view b) { return parse_application(b, body_mode::create); });
}

TEST_CASE("svix requests: endpoints, both spellings, headers and what hookd refuses", "[api][svix]") {
  auto e = std::get<endpoint_in>(parse_endpoint(
      R"({"url":"https://x.test/h","eventTypes":["b","a","b"],"throttleRate":3,"secret":"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw","headers":{"X-A":"1"},"channels":[]})",
      body_mode::create, open_targets));
  CHECK(*e.filter_types.value == std::vector<std::string>{"b", "a"}); // order kept, repeats dropped
  CHECK(*e.rate_limit.value == 3);
  CHECK(*e.secret.value == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  CHECK(e.headers.value->at(0) == std::pair<std::string, std::string>{"X-A", "1"});
  // PUT (replace) has no secret: it is not read.
  auto put = std::get<endpoint_in>(parse_endpoint(R"({"url":"https://x.test/","secret":"bad"})", body_mode::replace, open_targets));
  CHECK_FALSE(put.secret.present);
  auto patch = std::get<endpoint_in>(parse_endpoint(R"({"filterTypes":[],"disabled":true})", body_mode::patch, open_targets));
  CHECK(patch.filter_types.value->empty());
  CHECK(*patch.disabled.value);
  check_refusals<endpoint_in>(
      {{"nope", 400, ""},
       {"{}", 422, "url"},
       {R"({"url":"gopher://x.test/"})", 422, "url"},
       {R"({"url":"https://x.test/","filterTypes":[]})", 422, "filterTypes"},
       {R"({"url":"https://x.test/","filterTypes":"a"})", 422, "filterTypes"},
       {R"({"url":"https://x.test/","disabled":1})", 422, "disabled"},
       {R"({"url":"https://x.test/","secret":"whsec_short"})", 422, "secret"},
       {R"({"url":"https://x.test/","headers":{"content-type":"x"}})", 422, "headers"},
       {R"({"url":"https://x.test/","headers":{"Svix-Id":"x"}})", 422, "headers"},
       {R"({"url":"https://x.test/","headers":{"bad name":"x"}})", 422, "headers"},
       {R"({"url":"https://x.test/","channels":["eu"]})", 422, "channels"}},
      [](std::string_view b) { return parse_endpoint(b, body_mode::create, open_targets); });
  // A private address is refused unless the policy allows it.
  auto strict = parse_endpoint(R"({"url":"http://127.0.0.1/"})", body_mode::create, target_policy{});
  REQUIRE(std::holds_alternative<api_error>(strict));
  CHECK(std::get<api_error>(strict).loc == std::vector<std::string>{"body", "url"});
}

TEST_CASE("svix requests: messages keep the payload's bytes", "[api][svix]") {
  auto m = std::get<message_in>(parse_message(R"({"payload": {"b":1,  "a":2.50},"eventType":"t.x","eventId":"e-1","channels":["eu","eu","us"]})"));
  CHECK(m.payload == R"({"b":1,  "a":2.50})");
  CHECK(m.event_type == "t.x");
  CHECK(m.event_id == "e-1");
  CHECK(m.channels == R"(["eu","us"])");
  check_refusals<message_in>({{"{", 400, ""},
                              {R"({"payload":{}})", 422, "eventType"},
                              {R"({"eventType":"","payload":{}})", 422, "eventType"},
                              {R"({"eventType":"t"})", 422, "payload"},
                              {R"({"eventType":"t","payload":"text"})", 422, "payload"},
                              {R"({"eventType":"t","payload":{},"eventId":""})", 422, "eventId"},
                              {R"({"eventType":"t","payload":{},"channels":["a b"]})", 422, "channels"},
                              {R"({"eventType":"t","payload":{},"deliverAt":"2030-01-01T00:00:00Z"})", 422, "deliverAt"}},
                             [](std::string_view b) { return parse_message(b); });
}

TEST_CASE("svix requests: list queries", "[api][svix]") {
  auto q = std::get<list_query>(parse_list_query({{"limit", "250"}, {"event_types", "a,b.c"},
                                                  {"before", "2026-11-30T09:00:00.123Z"},
                                                  {"status", "2"}, {"with_content", "false"},
                                                  {"order", "descending"}}));
  CHECK(q.limit == 250);
  CHECK(q.event_types == std::vector<std::string>{"a", "b.c"});
  CHECK(q.before != no_time);
  CHECK(q.status == 2);
  CHECK_FALSE(q.with_content);
  CHECK(std::get<list_query>(parse_list_query({})).limit == 50);
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"limit", "0"}, {"limit", "251"}, {"limit", "-1"}, {"before", "nope"}, {"after", "1700000000"},
           {"status", "4"}, {"status", "01"}, {"with_content", "yes"}, {"event_types", "a,,b"}}) {
    INFO(name << "=" << value);
    auto r = parse_list_query({{name, value}});
    REQUIRE(std::holds_alternative<api_error>(r));
    CHECK(std::get<api_error>(r).loc == std::vector<std::string>{"query", name});
  }
}

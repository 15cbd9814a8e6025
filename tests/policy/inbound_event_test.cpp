// What an inbound request says about itself: its event type and the sender's id, per kind.
#include "policy/inbound_event.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>

using namespace hookd::policy;
using nlohmann::json;

namespace {

struct headers {
  std::map<std::string, std::string> values;
  std::string_view operator()(std::string_view name) const {
    auto it = values.find(std::string{name});
    return it == values.end() ? std::string_view{} : std::string_view{it->second};
  }
};

} // namespace

TEST_CASE("each kind reads the sender's event type and id where the sender puts them", "[policy][inbound]") {
  struct row {
    source_kind kind;
    const char* body;
    std::map<std::string, std::string> hdrs;
    const char* type;
    const char* id;
  };
  const std::vector<row> rows{
      {source_kind::typeform, R"({"event_id":"01HX","event_type":"form_response","form_response":{}})", {},
       "form_response", "01HX"},
      {source_kind::github, R"({"action":"opened"})",
       {{"x-github-event", "pull_request"}, {"x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"}},
       "pull_request", "72d3162e-cc78-11e3-81ab-4c9367dc0958"},
      {source_kind::stripe, R"({"id":"evt_1","object":"event","type":"invoice.paid"})", {},
       "invoice.paid", "evt_1"},
      {source_kind::standard, R"({"type":"user.created","data":{}})", {{"webhook-id", "msg_2"}},
       "user.created", "msg_2"},
      {source_kind::standard, R"({"type":"user.created"})", {{"svix-id", "msg_3"}}, "user.created", "msg_3"},
      {source_kind::token, R"({"type":"ignored"})", {{"idempotency-key", "k-1"}}, "signups", "k-1"},
      // Absent, of the wrong type, or empty: the source's name, and no sender id.
      {source_kind::typeform, R"({"event_type":7,"event_id":""})", {}, "signups", ""},
      {source_kind::stripe, R"([1,2])", {}, "signups", ""},
      {source_kind::github, R"({})", {}, "signups", ""},
  };
  for (const auto& r : rows) {
    INFO(to_string(r.kind) << " " << r.body);
    auto e = read_inbound_event(r.kind, json::parse(r.body), headers{r.hdrs}, "signups", "");
    CHECK(e.event_type == r.type);
    CHECK(e.sender_id == r.id);
  }
}

TEST_CASE("event_type_from overrides the sender's type when it names a usable string", "[policy][inbound]") {
  const auto body = json::parse(R"({"event_type":"form_response","form_response":{"form_id":"lT4Z3j",
                                   "hidden":{"kind":"onboarding"}},"n":5,"a/b":{"c~d":"escaped"}})");
  const headers none;
  CHECK(read_inbound_event(source_kind::typeform, body, none, "s", "/form_response/hidden/kind").event_type ==
        "onboarding");
  CHECK(read_inbound_event(source_kind::typeform, body, none, "s", "/a~1b/c~0d").event_type == "escaped");
  // Not a string, missing, or through a scalar: the sender's type.
  CHECK(read_inbound_event(source_kind::typeform, body, none, "s", "/n").event_type == "form_response");
  CHECK(read_inbound_event(source_kind::typeform, body, none, "s", "/missing").event_type == "form_response");
  CHECK(read_inbound_event(source_kind::typeform, body, none, "s", "/n/deeper").event_type == "form_response");
  CHECK(read_inbound_event(source_kind::token, body, none, "s", "/nope").event_type == "s");
}

TEST_CASE("names longer than the limit count as absent", "[policy][inbound]") {
  const std::string long_id(max_inbound_name_length + 1, 'x');
  json body{{"id", long_id}, {"type", std::string(max_inbound_name_length, 't')}};
  auto e = read_inbound_event(source_kind::stripe, body, headers{}, "s", "");
  CHECK(e.sender_id.empty());
  CHECK(e.event_type.size() == max_inbound_name_length);
}

TEST_CASE("JSON Pointers are checked as RFC 6901 writes them", "[policy][inbound]") {
  CHECK(valid_json_pointer(""));
  CHECK(valid_json_pointer("/event_type"));
  CHECK(valid_json_pointer("/a~0b/~1c/0"));
  CHECK_FALSE(valid_json_pointer("event_type"));
  CHECK_FALSE(valid_json_pointer("/a~2"));
  CHECK_FALSE(valid_json_pointer("/a~"));
}

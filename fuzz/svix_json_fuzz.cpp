// Fuzz target: the Svix-compatible API's request bodies and list queries (api/svix/
// svix_requests.hpp): applications, endpoints (create, replace, patch), custom headers,
// messages, recover, rotate, event types; and a query string read as list parameters.
// Checks: never throws; refusals are 400 or 422 (a 422 names where: body or query); an
// accepted message's payload is exactly the bytes of the "payload" member (a JSON object);
// accepted custom headers never use a name hookd sets itself.
#include "fuzz/fuzz_target.hpp"

#include "api/router.hpp"
#include "api/svix/svix_requests.hpp"

#include <nlohmann/json.hpp>

#include <variant>

namespace {

using hookd::fuzz::fuzz_check;
namespace api = hookd::api;
namespace svix = hookd::api::svix;

template <class T>
void check_refusal(const api::parsed<T>& r) {
  if (const auto* e = std::get_if<api::api_error>(&r)) {
    fuzz_check(e->status == 400 || e->status == 422, "request refused with neither 400 nor 422");
    if (e->status == 422)
      fuzz_check(!e->loc.empty() && (e->loc[0] == "body" || e->loc[0] == "query"),
                 "a 422 without its location");
    (void)e->svix_body(); // renders whatever the message quotes
  }
}

void check_message(std::string_view body) {
  const auto r = svix::parse_message(body);
  check_refusal(r);
  const auto* m = std::get_if<svix::message_in>(&r);
  if (!m)
    return;
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  const auto payload = nlohmann::json::parse(m->payload, nullptr, false);
  fuzz_check(payload.is_object(), "accepted payload bytes are not a JSON object");
  fuzz_check(payload == doc.at("payload"), "payload bytes differ from the parsed payload");
}

bool reserved(const std::string& name) {
  std::string lower;
  for (char c : name)
    lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower == "content-type" || lower == "host" || lower == "content-length" ||
         lower == "user-agent" || lower.starts_with("webhook-") || lower.starts_with("svix-");
}

void check_endpoint(std::string_view body, svix::body_mode mode, const api::target_policy& targets) {
  const auto r = svix::parse_endpoint(body, mode, targets);
  check_refusal(r);
  if (const auto* ep = std::get_if<svix::endpoint_in>(&r); ep && ep->headers.set())
    for (const auto& [name, value] : *ep->headers.value)
      fuzz_check(!reserved(name), "an accepted custom header uses a name hookd sets");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = hookd::fuzz::as_text(data, size);
  check_message(body);
  const api::target_policy strict;
  for (auto mode : {svix::body_mode::create, svix::body_mode::replace, svix::body_mode::patch}) {
    check_endpoint(body, mode, strict);
    check_refusal(svix::parse_application(body, mode));
  }
  check_refusal(svix::parse_headers(body, svix::body_mode::replace));
  check_refusal(svix::parse_headers(body, svix::body_mode::patch));
  check_refusal(svix::parse_recover(body));
  check_refusal(svix::parse_rotate(body));
  check_refusal(svix::parse_event_type(body));
  // The same bytes as a request target's query string.
  auto matched = api::match_route("GET", "/api/v1/app?" + std::string{body});
  if (const auto* m = std::get_if<api::route_match>(&matched))
    check_refusal(svix::parse_list_query(m->query));
  return 0;
}

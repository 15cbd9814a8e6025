// Fuzz target: the JSON request bodies of the API (api/requests.hpp): POST /v1/messages (the
// ingest path, which keeps the payload's own bytes via api/message_scan.hpp), POST and PATCH
// /v1/endpoints, recover and secret rotation.
// Checks: never throws; refusals are 400 or 422; an accepted message's payload is exactly the
// bytes of the "payload" member, i.e. valid JSON equal to what the JSON parser read.
#include "fuzz/fuzz_target.hpp"

#include "api/requests.hpp"

#include <nlohmann/json.hpp>

#include <variant>

namespace {

using hookd::fuzz::fuzz_check;
namespace api = hookd::api;

template <class T>
void check_refusal(const api::parsed<T>& r) {
  if (const auto* e = std::get_if<api::api_error>(&r))
    fuzz_check(e->status == 400 || e->status == 422, "request refused with neither 400 nor 422");
}

void check_message(std::string_view body) {
  const auto r = api::parse_message_request(body);
  check_refusal(r);
  const auto* m = std::get_if<api::message_request>(&r);
  if (!m)
    return;
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  const auto payload = nlohmann::json::parse(m->payload, nullptr, false);
  fuzz_check(!payload.is_discarded(), "accepted payload bytes are not JSON");
  fuzz_check(payload == doc.at("payload"), "payload bytes differ from the parsed payload");
}

void check_endpoint(std::string_view body, bool creating, const api::target_policy& targets) {
  const auto r = api::parse_endpoint_fields(body, creating, targets);
  check_refusal(r);
  if (const auto* fields = std::get_if<api::endpoint_fields>(&r)) {
    hookd::store::endpoint_record ep;
    if (auto e = api::apply_endpoint_fields(*fields, ep))
      fuzz_check(e->status == 400 || e->status == 422, "endpoint refused with neither 400 nor 422");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = hookd::fuzz::as_text(data, size);
  check_message(body);
  const api::target_policy strict;
  check_endpoint(body, true, strict);
  check_endpoint(body, false, strict);
  check_refusal(api::parse_recover_request(body));
  check_refusal(api::parse_rotate_request(body));
  (void)api::check_idempotency_key(body);
  return 0;
}

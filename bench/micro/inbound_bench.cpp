// hookd-inbound-bench: the CPU an API actor spends on one POST /in/{source} before the message
// is handed to the dispatcher (docs/benchmarks.md, "Inbound sources"): the sender's signature
// (policy/inbound_verification), the depth check and JSON parse of the body, and reading the
// event type and sender id (policy/inbound_event). Per kind, for a Typeform-sized body (about
// 1.5 KiB) and a 64 KiB one. Prints the median µs per request over 7 rounds; never asserts
// timings. Exits 1 only if a correctly signed request is not accepted (the figures would mean
// nothing).
#include "api/json_depth.hpp"
#include "policy/inbound_event.hpp"
#include "policy/inbound_verification.hpp"
#include "policy/signing.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace hookd;
using policy::source_kind;

std::string typeform_body(std::size_t answers) {
  std::string a;
  for (std::size_t i = 0; i < answers; ++i)
    a += std::string{i ? "," : ""} + R"({"type":"text","text":"answer )" + std::to_string(i) +
         R"( with a few words of free text in it","field":{"id":"f)" + std::to_string(i) +
         R"(","type":"long_text","ref":"question_)" + std::to_string(i) + R"("}})";
  return R"({"event_id":"01HXBENCH","event_type":"form_response","form_response":{"form_id":"lT4Z3j",)"
         R"("token":"a3a12ec67a1365927098a606107fac15","submitted_at":"2026-12-06T08:00:00Z",)"
         R"("definition":{"id":"lT4Z3j","title":"Onboarding"},"answers":[)" + a + "]}}";
}

struct request {
  std::map<std::string, std::string> headers; // lower-case names
  std::string query_token;
};

std::string hmac(std::string_view key, std::string_view a, std::string_view b = {}, std::string_view c = {}) {
  const std::string_view parts[] = {a, b, c};
  return policy::hmac_sha256(key, parts);
}

request signed_request(source_kind kind, const std::string& secret, const std::string& body, std::int64_t now_s) {
  request r;
  const auto ts = std::to_string(now_s);
  switch (kind) {
    case source_kind::typeform:
      r.headers["typeform-signature"] = "sha256=" + policy::base64_encode(hmac(secret, body));
      break;
    case source_kind::github:
      r.headers["x-hub-signature-256"] = "sha256=" + policy::to_hex(hmac(secret, body));
      r.headers["x-github-event"] = "push";
      r.headers["x-github-delivery"] = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
      break;
    case source_kind::stripe:
      r.headers["stripe-signature"] = "t=" + ts + ",v1=" + policy::to_hex(hmac(secret, ts, ".", body));
      break;
    case source_kind::standard:
      r.headers["webhook-id"] = "msg_bench";
      r.headers["webhook-timestamp"] = ts;
      r.headers["webhook-signature"] = policy::standard_signature(secret, "msg_bench", now_s, body);
      break;
    case source_kind::token:
      r.headers["authorization"] = "Bearer " + secret;
      break;
  }
  return r;
}

/// One request's work, as api/inbound_route.cpp does it. False when it would not be stored.
bool handle(source_kind kind, const std::string& secret, const request& r, const std::string& body,
            time_point now) {
  const auto header = [&r](std::string_view name) -> std::string_view {
    auto it = r.headers.find(std::string{name}); // policy asks by lower-case name
    return it == r.headers.end() ? std::string_view{} : std::string_view{it->second};
  };
  const policy::inbound_request in{body, header, r.query_token};
  if (policy::verify_inbound(kind, {secret, ""}, in, now) != policy::inbound_verdict::ok)
    return false;
  if (api::nested_deeper_than(body, api::max_json_nesting + 1))
    return false;
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded())
    return false;
  return !policy::read_inbound_event(kind, doc, header, "source", "").event_type.empty();
}

} // namespace

int main() {
  const std::int64_t now_s = 1'765'000'000;
  const auto now = from_unix_ms(now_s * 1000);
  const std::vector<std::pair<const char*, std::string>> bodies{{"1.5 KiB", typeform_body(6)},
                                                                {"64 KiB", typeform_body(330)}};
  std::printf("%-9s %-8s %12s\n", "kind", "body", "us/request");
  std::fflush(stdout);
  for (const auto kind : {source_kind::typeform, source_kind::github, source_kind::stripe,
                          source_kind::standard, source_kind::token}) {
    const auto secret = policy::generate_source_secret(kind);
    for (const auto& [label, body] : bodies) {
      const auto r = signed_request(kind, secret, body, now_s);
      if (!handle(kind, secret, r, body, now)) {
        std::fprintf(stderr, "inbound-bench: a signed %s request was refused\n",
                     std::string{policy::to_string(kind)}.c_str());
        return 1;
      }
      const int per_round = body.size() > 10'000 ? 200 : 5'000;
      std::vector<double> rounds;
      for (int round = 0; round < 7; ++round) {
        const auto start = std::chrono::steady_clock::now();
        bool ok = true;
        for (int i = 0; i < per_round; ++i)
          ok &= handle(kind, secret, r, body, now);
        const std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - start;
        if (!ok)
          return 1;
        rounds.push_back(took.count() / per_round);
      }
      std::sort(rounds.begin(), rounds.end());
      std::printf("%-9s %-8s %12.2f\n", std::string{policy::to_string(kind)}.c_str(), label, rounds[3]);
    }
  }
  return 0;
}

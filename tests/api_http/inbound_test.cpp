// POST /in/{source} over real HTTP (docs/inbound.md): each sender kind signed as the sender
// signs, the refusals that store nothing (401, 404, 413, 415, 400), a sender's retry stored
// once, and the relay to real receivers with hookd's retries, signing and disabling rules.
#include "tests/api_http/api_harness.hpp"
#include "tests/api_http/inbound_support.hpp"

#include <catch2/catch.hpp>

using namespace hookd;
using namespace hookd::testing;
using namespace std::chrono_literals;

namespace {

struct source {
  std::string id;
  std::string secret;
};

source create_source(api_harness& api, const std::string& kind, const std::string& secret,
                     const std::string& name = "inbound") {
  json body{{"name", name}, {"kind", kind}};
  if (!secret.empty())
    body["secret"] = secret;
  auto r = api.call("POST", "/v1/sources", body.dump());
  INFO(show(r));
  REQUIRE(r.status == 201);
  auto j = json_of(r);
  return {id_of(j), j["secret"].get<std::string>()};
}

http_response post_in(api_harness& api, const std::string& id, const std::string& body,
                      const header_list& headers, const std::string& query = {}) {
  return api.call_anonymous("POST", "/in/" + id + query, body, headers);
}

/// Messages stored from `source_id`, newest first.
std::vector<store::message_record> stored_from(api_harness& api, const std::string& source_id) {
  store::message_filter f;
  f.source_id = source_id;
  return api.inspector().list_messages(f, 100, 100000).messages;
}

const std::string typeform_body =
    R"({"event_id":"01HXYZTYPEFORM","event_type":"form_response","form_response":{"form_id":"lT4Z3j",)"
    R"("token":"a3a12ec67a1365927098a606107fac15","submitted_at":"2026-12-06T08:00:00Z",)"
    R"("answers":[{"type":"email","email":"ana@example.com","field":{"id":"f1","type":"email"}}]}})";

} // namespace

TEST_CASE("each sender kind is accepted when signed as the sender documents it", "[api][inbound]") {
  api_harness api;
  auto tf = create_source(api, "typeform", "typeform-secret-abc", "forms");
  auto gh = create_source(api, "github", "github-secret-abc", "repo");
  auto st = create_source(api, "stripe", "whsec_stripe_test_secret_1", "billing");
  auto sw = create_source(api, "standard", "", "partner");
  auto tk = create_source(api, "token", "shared-token-1234567", "legacy");

  const std::string gh_body = R"({"action":"opened","number":7})";
  const std::string st_body = R"({"id":"evt_1Q","object":"event","type":"invoice.paid","data":{}})";
  const std::string sw_body = R"({"type":"user.created","data":{"id":1}})";
  const std::string tk_body = R"({"hello":"world"})";
  struct row {
    std::string id, body;
    header_list headers;
    std::string query;
    std::string type, sender_id;
  };
  const std::vector<row> rows{
      {tf.id, typeform_body, typeform_headers(tf.secret, typeform_body), "", "form_response", "01HXYZTYPEFORM"},
      {gh.id, gh_body, github_headers(gh.secret, gh_body, "pull_request", "d1e2-f3"), "", "pull_request", "d1e2-f3"},
      {st.id, st_body, stripe_headers(st.secret, st_body), "", "invoice.paid", "evt_1Q"},
      {sw.id, sw_body, standard_headers(sw.secret, sw_body, "msg_abc"), "", "user.created", "msg_abc"},
      {tk.id, tk_body, {{"Authorization", "Bearer " + tk.secret}}, "", "legacy", ""},
      {tk.id, tk_body, {}, "?token=" + tk.secret, "legacy", ""},
  };
  for (const auto& r : rows) {
    INFO(r.id << " " << r.body);
    auto res = post_in(api, r.id, r.body, r.headers, r.query);
    INFO(show(res));
    REQUIRE(res.status == 200);
    CHECK(json_of(res)["status"] == "accepted");
    auto msgs = stored_from(api, r.id);
    REQUIRE_FALSE(msgs.empty());
    CHECK(msgs.front().payload == r.body); // the exact bytes
    CHECK(msgs.front().event_type == r.type);
    CHECK(msgs.front().event_id == r.sender_id);
    CHECK(msgs.front().source_id == r.id);
    CHECK(msgs.front().id == json_of(res)["id"]);
  }
  // The native API shows where a message came from.
  auto listed = json_of(api.call("GET", "/v1/messages?source_id=" + tf.id));
  REQUIRE(listed["data"].size() == 1);
  CHECK(listed["data"][0]["source_id"] == tf.id);
}

TEST_CASE("unsigned, tampered, stale or unknown requests get a clear error and store nothing", "[api][inbound][errors]") {
  api_harness api;
  auto tf = create_source(api, "typeform", "typeform-secret-abc");
  auto st = create_source(api, "stripe", "whsec_stripe_test_secret_1");
  auto sw = create_source(api, "standard", "");
  auto tampered = typeform_body;
  tampered[tampered.size() - 3] = 'X';
  const std::string st_body = R"({"id":"evt_2","type":"charge.failed"})";
  const auto stale = unix_now() - 301;
  struct row {
    const char* what;
    std::string id, body;
    header_list headers;
    int status;
    std::string code;
  };
  const std::vector<row> rows{
      {"tampered body", tf.id, tampered, typeform_headers(tf.secret, typeform_body), 401, "bad_signature"},
      {"wrong secret", tf.id, typeform_body, typeform_headers("another-secret-xyz", typeform_body), 401, "bad_signature"},
      {"no signature", tf.id, typeform_body, {{"Content-Type", "application/json"}}, 401, "missing_signature"},
      {"malformed signature", tf.id, typeform_body, {{"Typeform-Signature", "md5=abc"}}, 401, "malformed_signature"},
      {"stale stripe", st.id, st_body, stripe_headers(st.secret, st_body, stale), 401, "stale_timestamp"},
      {"future stripe", st.id, st_body, stripe_headers(st.secret, st_body, unix_now() + 400), 401, "stale_timestamp"},
      {"stale standard", sw.id, st_body, standard_headers(sw.secret, st_body, "msg_1", stale), 401, "stale_timestamp"},
      {"unknown source", "src_nope", typeform_body, typeform_headers(tf.secret, typeform_body), 404, "not_found"},
      {"not JSON", tf.id, "a=1&b=2", typeform_headers(tf.secret, "a=1&b=2"), 415, "unsupported_media_type"},
      {"too deep", tf.id, std::string(100, '[') + std::string(100, ']'),
       typeform_headers(tf.secret, std::string(100, '[') + std::string(100, ']')), 400, "too_deep"},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    auto res = post_in(api, r.id, r.body, r.headers);
    INFO(show(res));
    CHECK(res.status == r.status);
    CHECK(error_code(res) == r.code);
  }
  // The API token is no signature: a token-kind source needs its own token.
  auto tk = create_source(api, "token", "shared-token-1234567");
  CHECK(post_in(api, tk.id, "{}", api_harness::with_token()).status == 401);
  CHECK(post_in(api, tk.id, "{}", {}, "?token=wrong-token-1234567").status == 401);
  // Over the body limit: 413 before the body is read (harness: 4 KiB payloads, 1 MiB inbound).
  auto big = api_harness{[](config::config& c) { c.server.inbound_max_payload_bytes = 2048; }};
  auto small = create_source(big, "typeform", "typeform-secret-abc");
  const std::string large = R"({"x":")" + std::string(3000, 'a') + R"("})";
  auto too_large = post_in(big, small.id, large, typeform_headers(small.secret, large));
  CHECK(too_large.status == 413);
  CHECK(stored_from(big, small.id).empty());
  for (const auto& s : {tf.id, st.id, sw.id, tk.id})
    CHECK(stored_from(api, s).empty());
  // Only /in/{source} goes without the API token.
  CHECK(api.call_anonymous("GET", "/v1/sources").status == 401);
  // Each outcome is counted per source.
  auto metrics = api.call("GET", "/metrics");
  CHECK(metrics.body.find("hookd_inbound_requests_total{source=\"" + tf.id + "\",result=\"unauthorized\"} 4") !=
        std::string::npos);
  CHECK(metrics.body.find("hookd_inbound_requests_total{source=\"unknown\",result=\"unknown_source\"} 1") !=
        std::string::npos);
  CHECK(metrics.body.find("hookd_inbound_requests_total{source=\"" + tf.id + "\",result=\"not_json\"} 1") !=
        std::string::npos);
}

TEST_CASE("a sender's retry of an event already stored answers 200 and stores nothing", "[api][inbound]") {
  api_harness api;
  auto tf = create_source(api, "typeform", "typeform-secret-abc");
  auto gh = create_source(api, "github", "github-secret-abc");
  std::string first_id;
  for (int i = 0; i < 3; ++i) {
    auto res = post_in(api, tf.id, typeform_body, typeform_headers(tf.secret, typeform_body));
    REQUIRE(res.status == 200);
    CHECK(json_of(res)["status"] == (i == 0 ? "accepted" : "duplicate"));
    if (i == 0)
      first_id = json_of(res)["id"].get<std::string>();
    else // found by a read before any write: the answer names the message stored first
      CHECK(json_of(res)["id"] == first_id);
  }
  CHECK(stored_from(api, tf.id).size() == 1);
  auto found = json_of(api.call("GET", "/v1/messages?source_id=" + tf.id + "&event_id=01HXYZTYPEFORM"));
  REQUIRE(found["data"].size() == 1);
  CHECK(found["data"][0]["id"] == first_id);
  CHECK(json_of(api.call("GET", "/v1/messages?source_id=" + tf.id + "&event_id=other"))["data"].empty());
  // The sender's id is unique within a source: another source may use the same one.
  const std::string body = R"({"event_id":"01HXYZTYPEFORM"})";
  REQUIRE(post_in(api, gh.id, body, github_headers(gh.secret, body, "push", "01HXYZTYPEFORM")).status == 200);
  CHECK(stored_from(api, gh.id).size() == 1);
  // A rotated-out secret is still accepted during the overlap.
  REQUIRE(api.call("POST", "/v1/sources/" + tf.id + "/secret/rotate", R"({"secret":"typeform-secret-new"})").status == 200);
  const std::string second = R"({"event_id":"second","event_type":"form_response"})";
  CHECK(post_in(api, tf.id, second, typeform_headers("typeform-secret-abc", second)).status == 200);
  const std::string third = R"({"event_id":"third","event_type":"form_response"})";
  CHECK(post_in(api, tf.id, third, typeform_headers("typeform-secret-new", third)).status == 200);
  CHECK(stored_from(api, tf.id).size() == 3);
  auto metrics = api.call("GET", "/metrics");
  CHECK(metrics.body.find("hookd_inbound_requests_total{source=\"" + tf.id + "\",result=\"duplicate\"} 2") !=
        std::string::npos);
}

TEST_CASE("a Typeform response is answered at once and relayed byte for byte with retries and signing",
          "[api][inbound][relay]") {
  api_harness api;
  test_receiver rx{replies({reply::with_status(503)}, reply::ok())};
  auto ep = api.create_endpoint(rx.url("/onboarding"), {{"event_types", {"form_response"}}});
  const auto endpoint_secret = ep["secret"].get<std::string>();
  auto tf = create_source(api, "typeform", "typeform-secret-abc");

  const auto start = std::chrono::steady_clock::now();
  auto res = post_in(api, tf.id, typeform_body, typeform_headers(tf.secret, typeform_body));
  const auto answered = std::chrono::steady_clock::now() - start;
  REQUIRE(res.status == 200);
  const auto message_id = json_of(res)["id"].get<std::string>();
  CHECK(answered < 2s); // stored and answered, not relayed first (the relay's first try fails)
  REQUIRE(api.wait_for_delivery(message_id, id_of(ep), "delivered", 10s));
  auto got = rx.requests();
  REQUIRE(got.size() == 2); // 503, then 200 on the retry
  for (const auto& r : got) {
    CHECK(r.body == typeform_body);
    CHECK(r.header("webhook-id") == message_id);
    const auto ts = std::stoll(*r.header("webhook-timestamp"));
    CHECK(r.header("webhook-signature") == policy::standard_signature(endpoint_secret, message_id, ts, typeform_body));
  }
  CHECK(api.delivery_of(message_id, id_of(ep))["attempts"] == 2);
}

TEST_CASE("a relay target answering 410 disables the internal endpoint, not the source", "[api][inbound][relay]") {
  api_harness api;
  test_receiver rx{[](const received_request&) { return reply::with_status(410); }};
  auto ep = api.create_endpoint(rx.url("/gone"));
  auto tf = create_source(api, "typeform", "typeform-secret-abc");
  auto res = post_in(api, tf.id, typeform_body, typeform_headers(tf.secret, typeform_body));
  REQUIRE(res.status == 200);
  REQUIRE(api.wait_for_delivery(json_of(res)["id"].get<std::string>(), id_of(ep), "failed"));
  CHECK(api.get_endpoint(id_of(ep))["status"] == "disabled");
  // The source still takes events.
  const std::string next = R"({"event_id":"next","event_type":"form_response"})";
  CHECK(post_in(api, tf.id, next, typeform_headers(tf.secret, next)).status == 200);
  CHECK(api.call("GET", "/v1/sources/" + tf.id).status == 200);
}

// Inbound sources against the real binary (docs/inbound.md): an event answered 200 survives a
// kill -9 before its relay and is relayed after the restart; server.inbound_listen serves
// /in/ (and /healthz) alone, with its own body limit.
#include "tests/api_http/inbound_support.hpp"
#include "tests/daemon/daemon_process.hpp"
#include "tests/support/api_json.hpp"
#include "tests/support/live_helpers.hpp"
#include "tests/support/test_receiver.hpp"

#include <catch2/catch.hpp>

#include <atomic>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

namespace {

json post_json(const daemon_process& d, const std::string& target, const json& body, int status) {
  auto r = http_exchange("POST", d.url(target), {{"Content-Type", "application/json"}}, body.dump());
  INFO(show(r));
  REQUIRE(r.status == status);
  return json_of(r);
}

const std::string form_body =
    R"({"event_id":"01HXKILL9","event_type":"form_response","form_response":{"form_id":"lT4Z3j"}})";

} // namespace

TEST_CASE("daemon: an inbound event answered 200 and killed before its relay is relayed after restart",
          "[daemon][inbound][crash]") {
  // The receiver holds the first attempt open (no answer): the 200 cannot have waited for it.
  std::atomic<bool> answer{false};
  test_receiver rx{[&](const received_request&) { return answer ? reply::ok() : reply::hang(); }};
  daemon_process d;
  d.start();
  post_json(d, "/v1/endpoints", {{"url", rx.url("/onboarding")}}, 201);
  auto src = post_json(d, "/v1/sources", {{"name", "forms"}, {"kind", "typeform"}, {"secret", "typeform-secret-abc"}}, 201);
  const auto source_id = id_of(src);

  auto r = http_exchange("POST", d.url("/in/" + source_id), typeform_headers("typeform-secret-abc", form_body),
                         form_body);
  INFO(show(r));
  REQUIRE(r.status == 200);
  const auto message_id = json_of(r)["id"].get<std::string>();
  REQUIRE(wait_until([&] { return !rx.requests().empty(); }, 10s)); // the relay is in flight
  d.kill9();

  answer = true;
  d.start();
  // Relayed after the restart: the delivery is delivered, and the receiver got the same bytes.
  REQUIRE(wait_until(
      [&] {
        return http_exchange("GET", d.url("/v1/messages/" + message_id))
                   .body.find("\"status\":\"delivered\"") != std::string::npos;
      },
      30s));
  const auto got = rx.requests();
  REQUIRE(got.size() >= 2); // the attempt cut by the kill, and the one after the restart
  CHECK(got.back().body == form_body);
  CHECK(got.back().header("webhook-id") == message_id);
  // The sender's retry after the restart is still recognised: nothing new is stored.
  auto again = http_exchange("POST", d.url("/in/" + source_id), typeform_headers("typeform-secret-abc", form_body),
                             form_body);
  REQUIRE(again.status == 200);
  CHECK(json_of(again)["status"] == "duplicate");
}

TEST_CASE("daemon: server.inbound_listen serves only /in/ with its own body limit", "[daemon][inbound]") {
  const auto inbound_port = closed_port();
  const auto inbound = "http://127.0.0.1:" + std::to_string(inbound_port);
  daemon_process d{{"--server.inbound_listen=127.0.0.1:" + std::to_string(inbound_port),
                    "--server.inbound_max_payload_bytes=2048"}};
  d.start();
  auto src = post_json(d, "/v1/sources", {{"name", "forms"}, {"kind", "typeform"}, {"secret", "typeform-secret-abc"}}, 201);
  const auto path = "/in/" + id_of(src);

  auto ok = http_exchange("POST", inbound + path, typeform_headers("typeform-secret-abc", form_body), form_body);
  INFO(show(ok));
  CHECK(ok.status == 200);
  CHECK(http_exchange("GET", inbound + "/healthz").status == 200);
  // The API is not there, whatever the token.
  for (const char* target : {"/v1/sources", "/v1/endpoints", "/metrics", "/", "/api/v1/app"}) {
    INFO(target);
    CHECK(http_exchange("GET", inbound + target).status == 404);
  }
  CHECK(http_exchange("POST", inbound + "/v1/sources", {{"Content-Type", "application/json"}},
                      R"({"name":"x","kind":"token"})")
            .status == 404);
  const std::string large = R"({"x":")" + std::string(3000, 'a') + R"("})";
  CHECK(http_exchange("POST", inbound + path, typeform_headers("typeform-secret-abc", large), large).status == 413);
  // The main listener still serves /in/ as well.
  const std::string second = R"({"event_id":"second","event_type":"form_response"})";
  CHECK(http_exchange("POST", d.url(path), typeform_headers("typeform-secret-abc", second), second).status == 200);
}

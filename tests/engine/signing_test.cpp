// Signed deliveries as receivers see them, through real HTTP on 127.0.0.1: both schemes, and
// secret rotation (both signatures for 24 h), each checked against an HMAC computed here from
// the raw body with OpenSSL's one-shot HMAC() — not with hookd's signer.
#include "policy/signing.hpp"
#include "tests/engine/live_engine.hpp"

#include <catch2/catch.hpp>

#include <openssl/hmac.h>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

namespace {

std::string hmac_b64(const std::string& key, const std::string& data) {
  unsigned char out[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return policy::base64_encode(std::string(reinterpret_cast<char*>(out), len));
}

/// "v1,<base64>" as a receiver would compute it for a whsec_ secret.
std::string receiver_signature(const std::string& secret, const received_request& r) {
  const auto key = policy::base64_decode(secret.substr(6));
  REQUIRE(key);
  const std::string signed_text =
      *r.header("webhook-id") + "." + *r.header("webhook-timestamp") + "." + r.body;
  return "v1," + hmac_b64(*key, signed_text);
}

} // namespace

TEST_CASE("live: Standard Webhooks signatures verify at the receiver", "[live][signing]") {
  test_receiver rx;
  live_engine e;
  const auto ep = e.add_endpoint(rx.url("/std"));
  e.submit(R"({"amount": 12.50, "note": "ünïcödé"})", ep);
  REQUIRE(rx.wait_for_count(1, 5s));
  const auto r = rx.requests().front();
  CHECK(r.header("webhook-signature") == receiver_signature(e.secret_of(ep), r));
  const auto ts = std::stoll(*r.header("webhook-timestamp"));
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  CHECK(std::abs(now - ts) < 60);
}

TEST_CASE("live: Typeform signatures verify at the receiver", "[live][signing]") {
  test_receiver rx;
  live_engine e;
  const std::string secret = "typeform-shared-secret-42";
  const auto ep = e.add_endpoint(rx.url("/tf"), {}, [&](store::endpoint_record& rec) {
    rec.scheme = signature_scheme::typeform;
    rec.secret = secret;
  });
  e.submit(R"({"form_response": {"answers": []}})", ep);
  REQUIRE(rx.wait_for_count(1, 5s));
  const auto r = rx.requests().front();
  CHECK(r.header("Typeform-Signature") == "sha256=" + hmac_b64(secret, r.body));
  CHECK_FALSE(r.header("webhook-signature"));
}

TEST_CASE("live: during a rotation both secrets sign, space-separated", "[live][signing]") {
  test_receiver rx;
  live_engine e;
  const std::string old_secret = policy::generate_secret();
  const std::string new_secret = policy::generate_secret();
  const auto ep = e.add_endpoint(rx.url("/rot"), {}, [&](store::endpoint_record& rec) {
    rec.secret = new_secret;
    rec.previous_secret = old_secret;
    rec.previous_secret_expires_at =
        std::chrono::time_point_cast<duration>(std::chrono::system_clock::now()) + 24h;
  });
  e.submit(R"({"rotating": true})", ep);
  REQUIRE(rx.wait_for_count(1, 5s));
  const auto r = rx.requests().front();
  CHECK(r.header("webhook-signature") ==
        receiver_signature(new_secret, r) + " " + receiver_signature(old_secret, r));

  SECTION("after the overlap only the new secret signs") {
    const auto ep2 = e.add_endpoint(rx.url("/expired"), {}, [&](store::endpoint_record& rec) {
      rec.secret = new_secret;
      rec.previous_secret = old_secret;
      rec.previous_secret_expires_at =
          std::chrono::time_point_cast<duration>(std::chrono::system_clock::now()) - 1s;
    });
    e.submit("{}", ep2);
    REQUIRE(rx.wait_for_count(2, 5s));
    const auto r2 = rx.requests().back();
    CHECK(r2.header("webhook-signature") == receiver_signature(new_secret, r2));
  }
}

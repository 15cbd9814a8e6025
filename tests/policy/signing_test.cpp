#include "policy/signing.hpp"

#include <catch2/catch.hpp>

#include <openssl/hmac.h>

#include <array>
#include <string>
#include <vector>

using namespace hookd;
using namespace hookd::policy;

namespace {

/// An HMAC computed independently of our signer, with OpenSSL's one-shot HMAC().
std::string reference_hmac(const std::string& key, const std::string& data) {
  unsigned char out[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string header(const header_list& headers, const std::string& name) {
  for (const auto& [k, v] : headers)
    if (k == name)
      return v;
  return {};
}

} // namespace

TEST_CASE("the published Standard Webhooks test vector reproduces", "[policy][signing]") {
  CHECK(standard_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                           1614265330, R"({"test": 2432232314})") ==
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("standard signatures match an independent HMAC of id.timestamp.body",
          "[policy][signing]") {
  const std::string secret = generate_secret(32);
  const std::string body = R"({"order":42,"note":"ünïcode \n and bytes"})";
  const std::vector<std::string> secrets{secret};
  auto headers = signature_headers(signature_scheme::standard, secrets, "msg_1", 1700000000, body);
  CHECK(header(headers, "webhook-id") == "msg_1");
  CHECK(header(headers, "webhook-timestamp") == "1700000000");
  const auto key = base64_decode(secret.substr(6));
  REQUIRE(key);
  CHECK(header(headers, "webhook-signature") ==
        "v1," + base64_encode(reference_hmac(*key, "msg_1.1700000000." + body)));
}

TEST_CASE("during rotation both signatures are sent, space-separated", "[policy][signing]") {
  const std::vector<std::string> secrets{generate_secret(), generate_secret()};
  auto headers = signature_headers(signature_scheme::standard, secrets, "msg_2", 1700000001, "{}");
  const std::string value = header(headers, "webhook-signature");
  CHECK(value == standard_signature(secrets[0], "msg_2", 1700000001, "{}") + " " +
                     standard_signature(secrets[1], "msg_2", 1700000001, "{}"));
}

TEST_CASE("typeform signatures are sha256=<base64 HMAC(secret, body)>", "[policy][signing]") {
  const std::vector<std::string> secrets{"my-typeform-secret"};
  const std::string body = R"({"form_response":{}})";
  auto headers = signature_headers(signature_scheme::typeform, secrets, "msg_3", 1, body);
  REQUIRE(headers.size() == 1);
  CHECK(headers[0].first == "Typeform-Signature");
  CHECK(headers[0].second == "sha256=" + base64_encode(reference_hmac("my-typeform-secret", body)));
}

TEST_CASE("secrets are whsec_ + base64 of 24–64 random bytes", "[policy][signing]") {
  for (std::size_t n : {1u, 24u, 32u, 64u, 100u}) {
    const auto s = generate_secret(n);
    REQUIRE(s.starts_with("whsec_"));
    auto key = base64_decode(s.substr(6));
    REQUIRE(key);
    CHECK(key->size() == std::clamp<std::size_t>(n, 24, 64));
  }
  CHECK(generate_secret() != generate_secret());
}

TEST_CASE("base64 round-trips and rejects malformed input", "[policy][signing]") {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"})
    CHECK(base64_decode(base64_encode(s)) == s);
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK_FALSE(base64_decode("abc").has_value());
  CHECK_FALSE(base64_decode("ab!d").has_value());
}

TEST_CASE("without a secret the request goes unsigned, not with an empty signature",
          "[policy][signing]") {
  const std::vector<std::string> none{""};
  auto headers = signature_headers(signature_scheme::standard, none, "msg_4", 1, "{}");
  CHECK(header(headers, "webhook-id") == "msg_4");
  CHECK(std::none_of(headers.begin(), headers.end(),
                     [](auto& h) { return h.first == "webhook-signature"; }));
  CHECK(signature_headers(signature_scheme::typeform, none, "msg_4", 1, "{}").empty());
}

#include "policy/inbound_verification.hpp"

#include "policy/signing.hpp"

#include <catch2/catch.hpp>

#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::policy;

namespace {

// --- an independent sender ------------------------------------------------------------------
// Expected signatures are computed here with OpenSSL's one-shot HMAC() and a local hex encoder,
// not with the code under test.

std::string reference_hmac(std::string_view key, std::string_view data) {
  unsigned char out[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string hex(std::string_view bytes, bool upper = false) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

/// The key a Standard Webhooks secret stands for: the base64 after "whsec_".
std::string standard_key(const std::string& secret) {
  auto key = base64_decode(secret.substr(6));
  REQUIRE(key);
  return *key;
}

std::string stripe_v1(const std::string& secret, std::int64_t t, const std::string& body) {
  return hex(reference_hmac(secret, std::to_string(t) + "." + body));
}

std::string standard_v1(const std::string& secret, const std::string& id, std::int64_t t,
                        const std::string& body) {
  return "v1," + base64_encode(reference_hmac(standard_key(secret),
                                              id + "." + std::to_string(t) + "." + body));
}

/// The headers `kind`'s sender puts on `body` signed with `secret` at `t` (unix seconds).
header_list sender_headers(source_kind kind, const std::string& secret, const std::string& body,
                           std::int64_t t) {
  switch (kind) {
    case source_kind::typeform:
      return {{"Typeform-Signature", "sha256=" + base64_encode(reference_hmac(secret, body))}};
    case source_kind::github:
      return {{"X-Hub-Signature-256", "sha256=" + hex(reference_hmac(secret, body))}};
    case source_kind::stripe:
      return {{"Stripe-Signature", "t=" + std::to_string(t) + ",v1=" + stripe_v1(secret, t, body)}};
    case source_kind::standard:
      return {{"webhook-id", "msg_2c8f1"},
              {"webhook-timestamp", std::to_string(t)},
              {"webhook-signature", standard_v1(secret, "msg_2c8f1", t, body)}};
    case source_kind::token:
      return {{"Authorization", "Bearer " + secret}};
  }
  return {};
}

/// The name of `kind`'s signature header.
std::string signature_header(source_kind kind) {
  switch (kind) {
    case source_kind::typeform:
      return "Typeform-Signature";
    case source_kind::github:
      return "X-Hub-Signature-256";
    case source_kind::stripe:
      return "Stripe-Signature";
    case source_kind::standard:
      return "webhook-signature";
    case source_kind::token:
      return "Authorization";
  }
  return {};
}

// --- a received request ---------------------------------------------------------------------

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
    return std::tolower(x) == std::tolower(y);
  });
}

/// Owns what an inbound_request views; must outlive the view.
struct received {
  std::string body;
  header_list headers;
  std::string query_token;

  inbound_request view() const {
    return {body,
            [this](std::string_view name) -> std::string_view {
              for (const auto& [k, v] : headers)
                if (iequals(k, name))
                  return v;
              return {};
            },
            query_token};
  }

  received& set(const std::string& name, const std::string& value) {
    erase(name);
    headers.emplace_back(name, value);
    return *this;
  }
  received& erase(const std::string& name) {
    std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
    return *this;
  }
};

// --- the fixture every kind shares ----------------------------------------------------------

constexpr std::int64_t t0 = 1'700'000'000;
const time_point now0 = from_unix_ms(t0 * 1000);
const std::string body = R"({"event":"order.paid","id":42,"note":"ünïcode"})";

constexpr source_kind all_kinds[] = {source_kind::typeform, source_kind::github,
                                     source_kind::stripe, source_kind::standard,
                                     source_kind::token};

/// A current and a previous secret valid for the kind.
struct secret_pair {
  std::string current, previous;
};

secret_pair secrets_for(source_kind kind) {
  if (kind == source_kind::standard) // keys of 24 and 32 bytes
    return {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="};
  if (kind == source_kind::stripe)
    return {"whsec_stripeCurrent0123456789", "whsec_stripePrevious0123456789"};
  return {std::string{to_string(kind)} + "-current-secret",
          std::string{to_string(kind)} + "-previous-secret"};
}

received signed_request(source_kind kind, const std::string& secret, std::int64_t t = t0) {
  return {body, sender_headers(kind, secret, body, t), {}};
}

inbound_verdict verify(source_kind kind, const secret_pair& s, const received& r,
                       time_point now = now0, duration tolerance = 5min) {
  return verify_inbound(kind, {s.current, s.previous}, r.view(), now, tolerance);
}

} // namespace

// --- published vectors ----------------------------------------------------------------------

TEST_CASE("GitHub's published test values verify", "[policy][inbound]") {
  // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
  // ("Testing the webhook payload validation")
  const secret_pair s{"It's a Secret to Everybody", ""};
  received r{"Hello, World!",
             {{"X-Hub-Signature-256",
               "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"}},
             {}};
  CHECK(verify(source_kind::github, s, r) == inbound_verdict::ok);

  r.set("x-hub-signature-256",
        "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17");
  CHECK(verify(source_kind::github, s, r) == inbound_verdict::ok);

  r.body = "Hello, World?";
  CHECK(verify(source_kind::github, s, r) == inbound_verdict::bad_signature);
}

TEST_CASE("the Standard Webhooks published test vector verifies", "[policy][inbound]") {
  // https://github.com/standard-webhooks/standard-webhooks/blob/main/libraries/javascript/src/webhook.test.ts
  // ("sign function works"; the same values are in the spec's other libraries' tests)
  const secret_pair s{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ""};
  const std::string sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  const time_point signed_at = from_unix_ms(1'614'265'330'000);
  received r{R"({"test": 2432232314})",
             {{"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
              {"webhook-timestamp", "1614265330"},
              {"webhook-signature", sig}},
             {}};
  CHECK(verify(source_kind::standard, s, r, signed_at) == inbound_verdict::ok);

  SECTION("among other entries, as in the library's \"multi sig payload is valid\" test") {
    r.set("webhook-signature", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
                               "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " +
                                   sig + " v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=");
    CHECK(verify(source_kind::standard, s, r, signed_at) == inbound_verdict::ok);
  }
  SECTION("under the svix-* names") {
    r.headers = {{"svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
                 {"svix-timestamp", "1614265330"},
                 {"svix-signature", sig}};
    CHECK(verify(source_kind::standard, s, r, signed_at) == inbound_verdict::ok);
  }
  SECTION("a change to the id breaks it") {
    CHECK(verify(source_kind::standard, s, r.set("webhook-id", "msg_other"), signed_at) ==
          inbound_verdict::bad_signature);
  }
  SECTION("a change to the timestamp breaks it") {
    CHECK(verify(source_kind::standard, s, r.set("webhook-timestamp", "1614265331"), signed_at) ==
          inbound_verdict::bad_signature);
  }
  SECTION("a change to the body breaks it") {
    r.body = R"({"test": 2432232315})";
    CHECK(verify(source_kind::standard, s, r, signed_at) == inbound_verdict::bad_signature);
  }
  SECTION("and it is stale five minutes and a second later") {
    CHECK(verify(source_kind::standard, s, r, signed_at + 5min) == inbound_verdict::ok);
    CHECK(verify(source_kind::standard, s, r, signed_at + 5min + 1s) ==
          inbound_verdict::stale_timestamp);
  }
}

TEST_CASE("fixed Typeform and Stripe vectors verify", "[policy][inbound]") {
  // Neither sender publishes a secret/payload/signature triple, so these were computed
  // independently of this code, with
  //   printf '%s' BODY | openssl dgst -sha256 -hmac SECRET -binary | base64   (typeform)
  //   printf '%s' 'T.BODY' | openssl dgst -sha256 -hmac SECRET                (stripe)
  // and cross-checked with Python's hmac module.
  received typeform{R"({"event_id":"01HZX5E8G4KJ","event_type":"form_response"})",
                    {{"Typeform-Signature", "sha256=JteFa6/5YlkJ8AvwzizVPTsYS6b0bi4QItRBA0aGXTk="}},
                    {}};
  CHECK(verify(source_kind::typeform, {"tf_5ecret-Example", ""}, typeform) == inbound_verdict::ok);

  // Stripe's key is the "whsec_..." string itself, not its base64 decoding. The v0 entry (an
  // arbitrary digest) is ignored.
  received stripe{
      R"({"id":"evt_1","object":"event"})",
      {{"Stripe-Signature",
        "t=1700000000,v1=9ce1c7d12408d0696a7052fe8d3382117cb87c9664c628644a0face4ae1b08b1,"
        "v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39"}},
      {}};
  CHECK(verify(source_kind::stripe, {"whsec_stripeExampleSecret123", ""}, stripe) ==
        inbound_verdict::ok);
}

// --- every kind -----------------------------------------------------------------------------

TEST_CASE("every kind: signed as the sender documents is accepted, tampering is not",
          "[policy][inbound]") {
  for (const auto kind : all_kinds) {
    INFO("kind: " << to_string(kind));
    const auto s = secrets_for(kind);

    CHECK(verify(kind, s, signed_request(kind, s.current)) == inbound_verdict::ok);
    // Rotation: the previous secret still signs, and only while it is configured.
    CHECK(verify(kind, s, signed_request(kind, s.previous)) == inbound_verdict::ok);
    CHECK(verify(kind, {s.current, ""}, signed_request(kind, s.previous)) ==
          inbound_verdict::bad_signature);
    CHECK(verify(kind, {"", s.current}, signed_request(kind, s.current)) == inbound_verdict::ok);

    const std::string wrong =
        kind == source_kind::standard ? generate_secret() : std::string{"an-unrelated-secret"};
    CHECK(verify(kind, s, signed_request(kind, wrong)) == inbound_verdict::bad_signature);

    if (kind != source_kind::token) { // a token does not cover the body
      auto tampered = signed_request(kind, s.current);
      tampered.body += " ";
      CHECK(verify(kind, s, tampered) == inbound_verdict::bad_signature);
    }
  }
}

TEST_CASE("every kind: an absent or empty signature is missing", "[policy][inbound]") {
  for (const auto kind : all_kinds) {
    INFO("kind: " << to_string(kind));
    const auto s = secrets_for(kind);
    const auto name = signature_header(kind);
    CHECK(verify(kind, s, signed_request(kind, s.current).erase(name)) ==
          inbound_verdict::missing_signature);
    CHECK(verify(kind, s, signed_request(kind, s.current).set(name, "")) ==
          inbound_verdict::missing_signature);
    CHECK(verify(kind, s, signed_request(kind, s.current).set(name, " \t ")) ==
          inbound_verdict::missing_signature);
    CHECK(verify(kind, s, received{body, {}, {}}) == inbound_verdict::missing_signature);
    // A request without a header lookup at all does not throw.
    CHECK(verify_inbound(kind, {s.current, s.previous}, inbound_request{}, now0) ==
          inbound_verdict::missing_signature);
  }
}

TEST_CASE("every kind: an empty secret matches nothing", "[policy][inbound]") {
  // Requests signed with an empty key: with no secret configured they must not pass.
  for (const auto kind : {source_kind::typeform, source_kind::github, source_kind::stripe}) {
    INFO("kind: " << to_string(kind));
    CHECK(verify(kind, {"", ""}, signed_request(kind, "")) == inbound_verdict::bad_signature);
  }
  // "whsec_" alone decodes to an empty key: configured or not, it never signs.
  CHECK(verify(source_kind::standard, {"", ""}, signed_request(source_kind::standard, "whsec_")) ==
        inbound_verdict::bad_signature);
  CHECK(verify(source_kind::standard, {"whsec_", ""},
               signed_request(source_kind::standard, "whsec_")) == inbound_verdict::bad_signature);
  CHECK(verify(source_kind::token, {"", ""}, received{body, {}, "x"}) ==
        inbound_verdict::bad_signature);
}

// --- malformed signatures, kind by kind -----------------------------------------------------

TEST_CASE("malformed signature headers", "[policy][inbound]") {
  const std::string b64_16 = base64_encode(std::string(16, 'k')); // a digest of the wrong size
  const std::string b64_32 = base64_encode(std::string(32, 'k'));
  const std::string hex_32 = hex(std::string(32, 'k'));
  struct row {
    source_kind kind;
    std::string header, value;
  };
  const row rows[] = {
      {source_kind::typeform, "Typeform-Signature", b64_32},             // no prefix
      {source_kind::typeform, "Typeform-Signature", "sha1=" + b64_32},   // other algorithm
      {source_kind::typeform, "Typeform-Signature", "sha256=" + hex_32}, // hex, not base64
      {source_kind::typeform, "Typeform-Signature", "sha256=" + b64_16}, // 16 bytes
      {source_kind::typeform, "Typeform-Signature", "sha256=not base64!"},
      {source_kind::typeform, "Typeform-Signature", "sha256="},
      {source_kind::github, "X-Hub-Signature-256", hex_32}, // no prefix
      {source_kind::github, "X-Hub-Signature-256", "sha1=" + hex_32},
      {source_kind::github, "X-Hub-Signature-256", "sha256=" + b64_32}, // base64, not hex
      {source_kind::github, "X-Hub-Signature-256", "sha256=" + hex_32.substr(1)},
      {source_kind::github, "X-Hub-Signature-256", "sha256=" + hex_32 + "0"},
      {source_kind::github, "X-Hub-Signature-256", "sha256=" + std::string(64, 'g')},
      {source_kind::stripe, "Stripe-Signature", "v1=" + hex_32},                     // no t
      {source_kind::stripe, "Stripe-Signature", "t=1700000000"},                     // no v1
      {source_kind::stripe, "Stripe-Signature", "t=1700000000,v0=" + hex_32},        // only v0
      {source_kind::stripe, "Stripe-Signature", "t=1700000000,v1=" + b64_32},        // not hex
      {source_kind::stripe, "Stripe-Signature", "t=1700000000,v1=" + hex_32 + "ab"}, // 33 bytes
      {source_kind::stripe, "Stripe-Signature", "t=soon,v1=" + hex_32},
      {source_kind::stripe, "Stripe-Signature", "t=-1700000000,v1=" + hex_32},
      {source_kind::stripe, "Stripe-Signature", "t=1700000000.5,v1=" + hex_32},
      {source_kind::stripe, "Stripe-Signature", "t=,v1=" + hex_32},
      {source_kind::stripe, "Stripe-Signature", "t=1700000000,t=1700000001,v1=" + hex_32},
      {source_kind::stripe, "Stripe-Signature", "1700000000 " + hex_32},
      {source_kind::standard, "webhook-signature", b64_32},          // no version
      {source_kind::standard, "webhook-signature", "v1a," + b64_32}, // other version only
      {source_kind::standard, "webhook-signature", "v2," + b64_32},
      {source_kind::standard, "webhook-signature", "v1," + b64_16},              // 16 bytes
      {source_kind::standard, "webhook-signature", "v1,dawfeoifkpqwoekfpqoekf"}, // JS lib's test
      {source_kind::standard, "webhook-signature", "v1,"},
      {source_kind::standard, "webhook-signature", "v1=" + b64_32},
      {source_kind::standard, "webhook-timestamp", "hello"}, // JS lib's test
      {source_kind::standard, "webhook-timestamp", "1700000000.0"},
      {source_kind::standard, "webhook-timestamp", ""}, // absent
      {source_kind::standard, "webhook-id", ""},        // absent
      {source_kind::token, "Authorization", "Bearer"},  // no token
      {source_kind::token, "Authorization", "Bearer   "},
      {source_kind::token, "Authorization", "Basic dXNlcjpwYXNz"},   // other scheme
      {source_kind::token, "Authorization", "token-current-secret"}, // no scheme
  };
  for (const auto& r : rows) {
    INFO("kind: " << to_string(r.kind) << ", " << r.header << ": '" << r.value << "'");
    const auto s = secrets_for(r.kind);
    CHECK(verify(r.kind, s, signed_request(r.kind, s.current).set(r.header, r.value)) ==
          inbound_verdict::malformed_signature);
  }
}

// --- timestamps -----------------------------------------------------------------------------

TEST_CASE("stripe and standard timestamps outside the tolerance are stale", "[policy][inbound]") {
  struct row {
    std::int64_t signed_offset_s; // t relative to now0
    duration tolerance;
    inbound_verdict expected;
  };
  const row rows[] = {
      {0, 5min, inbound_verdict::ok},
      {-300, 5min, inbound_verdict::ok},
      {300, 5min, inbound_verdict::ok},
      {-301, 5min, inbound_verdict::stale_timestamp},
      {301, 5min, inbound_verdict::stale_timestamp}, // the future counts too
      {-86'400, 5min, inbound_verdict::stale_timestamp},
      {-60, 1min, inbound_verdict::ok},
      {-61, 1min, inbound_verdict::stale_timestamp},
      {1, 0ms, inbound_verdict::stale_timestamp},
      {0, 0ms, inbound_verdict::ok},
      {0, -1min, inbound_verdict::ok}, // a negative tolerance counts as zero
      {-86'400, 48h, inbound_verdict::ok},
  };
  for (const auto kind : {source_kind::stripe, source_kind::standard}) {
    const auto s = secrets_for(kind);
    for (const auto& r : rows) {
      INFO("kind: " << to_string(kind) << ", signed at now" << std::showpos << r.signed_offset_s
                    << "s, tolerance " << std::noshowpos << r.tolerance.count() << "ms");
      CHECK(verify(kind, s, signed_request(kind, s.current, t0 + r.signed_offset_s), now0,
                   r.tolerance) == r.expected);
    }
    INFO("kind: " << to_string(kind));
    // `now` has millisecond precision: 5 min and 1 ms after a whole-second timestamp is stale.
    CHECK(verify(kind, s, signed_request(kind, s.current), now0 + 5min) == inbound_verdict::ok);
    CHECK(verify(kind, s, signed_request(kind, s.current), now0 + 5min + 1ms) ==
          inbound_verdict::stale_timestamp);
    CHECK(verify(kind, s, signed_request(kind, s.current), now0 - 5min - 1ms) ==
          inbound_verdict::stale_timestamp);
  }
}

TEST_CASE("staleness is judged after parsing and before the HMAC", "[policy][inbound]") {
  const std::string hex_32 = hex(std::string(32, 'k'));
  const auto s = secrets_for(source_kind::stripe);
  // A wrong signature on a stale request: stale, not bad.
  received stale{body, {{"Stripe-Signature", "t=1600000000,v1=" + hex_32}}, {}};
  CHECK(verify(source_kind::stripe, s, stale) == inbound_verdict::stale_timestamp);
  // A stale request whose header does not parse: malformed.
  stale.set("Stripe-Signature", "t=1600000000,v1=zz");
  CHECK(verify(source_kind::stripe, s, stale) == inbound_verdict::malformed_signature);
  // Timestamps too large for any clock are stale, not an overflow.
  stale.set("Stripe-Signature", "t=99999999999999999999999999,v1=" + hex_32);
  CHECK(verify(source_kind::stripe, s, stale) == inbound_verdict::stale_timestamp);
  stale.set("Stripe-Signature", "t=9223372036854775,v1=" + hex_32);
  CHECK(verify(source_kind::stripe, s, stale) == inbound_verdict::stale_timestamp);

  const auto ss = secrets_for(source_kind::standard);
  auto standard = signed_request(source_kind::standard, generate_secret(), t0 - 3600);
  CHECK(verify(source_kind::standard, ss, standard) == inbound_verdict::stale_timestamp);
  standard.set("webhook-signature", "v1,short");
  CHECK(verify(source_kind::standard, ss, standard) == inbound_verdict::malformed_signature);
}

// --- kind-specific details ------------------------------------------------------------------

TEST_CASE("stripe: any v1 may match, v0 and unknown items are ignored", "[policy][inbound]") {
  const auto s = secrets_for(source_kind::stripe);
  const std::string t = std::to_string(t0);
  const std::string good = stripe_v1(s.current, t0, body);
  const std::string other = stripe_v1("whsec_unrelated", t0, body);
  for (const std::string& value : {
           "t=" + t + ",v1=" + other + ",v1=" + good, // Stripe's rotation: one v1 per secret
           "v1=" + good + ",t=" + t,                  // order does not matter
           "t=" + t + ", v1=" + good,                 // whitespace around items
           "t=" + t + ",v0=" + other + ",v1=" + good + ",x=1,junk",
           "t=" + t + ",v1=zz,v1=" + good, // an unusable v1 beside a good one
       }) {
    INFO("Stripe-Signature: " << value);
    CHECK(verify(source_kind::stripe, s, received{body, {{"stripe-signature", value}}, {}}) ==
          inbound_verdict::ok);
  }
  // Upper-case hex is accepted as well.
  std::string upper = good;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  CHECK(verify(source_kind::stripe, s,
               received{body, {{"Stripe-Signature", "t=" + t + ",v1=" + upper}}, {}}) ==
        inbound_verdict::ok);
  // A v0 carrying the right digest does not count.
  CHECK(verify(source_kind::stripe, s,
               received{body,
                        {{"Stripe-Signature", "t=" + t + ",v0=" + good + ",v1=" + other}},
                        {}}) == inbound_verdict::bad_signature);
  // The key is the secret string: signing with its base64 decoding does not verify.
  const secret_pair b64{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ""};
  const std::string decoded_sig = hex(reference_hmac(standard_key(b64.current), t + "." + body));
  CHECK(verify(source_kind::stripe, b64,
               received{body, {{"Stripe-Signature", "t=" + t + ",v1=" + decoded_sig}}, {}}) ==
        inbound_verdict::bad_signature);
}

TEST_CASE("standard: both rotation signatures, svix fallback, webhook-* preferred",
          "[policy][inbound]") {
  const auto s = secrets_for(source_kind::standard);
  const std::string t = std::to_string(t0);
  const std::string old_sig = standard_v1(s.previous, "msg_1", t0, body);
  const std::string new_sig = standard_v1(s.current, "msg_1", t0, body);
  auto r = received{body, {{"webhook-id", "msg_1"}, {"webhook-timestamp", t}}, {}};

  // What hookd's own signer sends during a rotation, verified with either secret alone.
  r.set("webhook-signature", new_sig + " " + old_sig);
  CHECK(verify(source_kind::standard, {s.current, ""}, r) == inbound_verdict::ok);
  CHECK(verify(source_kind::standard, {s.previous, ""}, r) == inbound_verdict::ok);
  CHECK(verify(source_kind::standard, {generate_secret(), ""}, r) ==
        inbound_verdict::bad_signature);
  // Extra spaces and unusable entries beside a good one do not matter.
  r.set("webhook-signature", "  v1a,xyz  v1,short " + old_sig + "  ");
  CHECK(verify(source_kind::standard, s, r) == inbound_verdict::ok);
  // An entry with another version never counts, even with the right digest.
  r.set("webhook-signature", "v1a," + new_sig.substr(3));
  CHECK(verify(source_kind::standard, s, r) == inbound_verdict::malformed_signature);

  // svix-* is read only when webhook-signature is absent, and never mixed with webhook-*.
  received svix{
      body, {{"svix-id", "msg_1"}, {"svix-timestamp", t}, {"svix-signature", new_sig}}, {}};
  CHECK(verify(source_kind::standard, s, svix) == inbound_verdict::ok);
  svix.set("webhook-id", "msg_other"); // no webhook-signature: svix-* still used
  CHECK(verify(source_kind::standard, s, svix) == inbound_verdict::ok);
  svix.set("webhook-signature", new_sig); // now webhook-* is used, and it lacks a timestamp
  CHECK(verify(source_kind::standard, s, svix) == inbound_verdict::malformed_signature);
  svix.erase("webhook-signature").erase("svix-id");
  CHECK(verify(source_kind::standard, s, svix) == inbound_verdict::malformed_signature);

  // The key is the base64 after "whsec_": signing with the secret string itself does not verify.
  r.set("webhook-signature",
        "v1," + base64_encode(reference_hmac(s.current, "msg_1." + t + "." + body)));
  CHECK(verify(source_kind::standard, s, r) == inbound_verdict::bad_signature);
}

TEST_CASE("token: a Bearer credential or the query token", "[policy][inbound]") {
  const auto s = secrets_for(source_kind::token);
  const auto with_auth = [](std::string value, std::string query = {}) {
    return received{body, {{"Authorization", std::move(value)}}, std::move(query)};
  };
  struct row {
    received request;
    inbound_verdict expected;
  };
  const row rows[] = {
      {with_auth("Bearer " + s.current), inbound_verdict::ok},
      {with_auth("bearer " + s.current), inbound_verdict::ok}, // the scheme is case-insensitive
      {with_auth("BEARER   " + s.current + " "), inbound_verdict::ok},
      {with_auth("Bearer " + s.previous), inbound_verdict::ok},
      {received{body, {}, s.current}, inbound_verdict::ok},
      {received{body, {}, s.previous}, inbound_verdict::ok},
      {with_auth("Basic dXNlcjpwYXNz", s.current), inbound_verdict::ok},      // the query stands in
      {with_auth("Bearer " + s.current, "wrong-token"), inbound_verdict::ok}, // Bearer wins
      {with_auth("Bearer wrong-token", s.current), inbound_verdict::bad_signature},
      {with_auth("Bearer " + s.current.substr(0, s.current.size() - 1)),
       inbound_verdict::bad_signature}, // a prefix of the secret
      {with_auth("Bearer " + s.current + "x"), inbound_verdict::bad_signature},
      {received{body, {}, "TOKEN-CURRENT-SECRET"}, inbound_verdict::bad_signature},
      {with_auth("Bearer" + s.current), inbound_verdict::malformed_signature}, // no space
      {received{body, {}, {}}, inbound_verdict::missing_signature},
  };
  for (const auto& r : rows) {
    const auto& headers = r.request.headers;
    INFO("Authorization: '" << (headers.empty() ? "" : headers.front().second)
                            << "', ?token=" << r.request.query_token);
    CHECK(verify(source_kind::token, s, r.request) == r.expected);
  }
}

// --- names and secrets ----------------------------------------------------------------------

TEST_CASE("source kinds and verdicts have stable names", "[policy][inbound]") {
  for (const auto kind : all_kinds)
    CHECK(source_kind_from_string(to_string(kind)) == kind);
  CHECK(to_string(source_kind::typeform) == "typeform");
  CHECK(to_string(source_kind::github) == "github");
  CHECK(to_string(source_kind::stripe) == "stripe");
  CHECK(to_string(source_kind::standard) == "standard");
  CHECK(to_string(source_kind::token) == "token");
  CHECK_FALSE(source_kind_from_string("GitHub").has_value());
  CHECK_FALSE(source_kind_from_string("").has_value());

  CHECK(to_string(inbound_verdict::ok) == "ok");
  CHECK(to_string(inbound_verdict::missing_signature) == "missing_signature");
  CHECK(to_string(inbound_verdict::malformed_signature) == "malformed_signature");
  CHECK(to_string(inbound_verdict::bad_signature) == "bad_signature");
  CHECK(to_string(inbound_verdict::stale_timestamp) == "stale_timestamp");
}

TEST_CASE("generated source secrets have the kind's form and pass the check", "[policy][inbound]") {
  for (const auto kind : all_kinds) {
    INFO("kind: " << to_string(kind));
    const auto secret = generate_source_secret(kind);
    CHECK(check_source_secret(kind, secret).empty());
    CHECK(generate_source_secret(kind) != secret);
    if (kind == source_kind::standard) {
      REQUIRE(secret.starts_with("whsec_"));
      CHECK(standard_key(secret).size() == 32);
    } else {
      CHECK(secret.size() == 64);
      CHECK(std::all_of(secret.begin(), secret.end(),
                        [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }));
    }
    // A generated secret works end to end.
    CHECK(verify(kind, {secret, ""}, signed_request(kind, secret)) == inbound_verdict::ok);
  }
}

TEST_CASE("source secrets are checked per kind", "[policy][inbound]") {
  const std::string b64_23 = base64_encode(std::string(23, 'k'));
  const std::string b64_24 = base64_encode(std::string(24, 'k'));
  const std::string b64_64 = base64_encode(std::string(64, 'k'));
  const std::string b64_65 = base64_encode(std::string(65, 'k'));
  struct row {
    source_kind kind;
    std::string secret;
    bool fine;
  };
  const row rows[] = {
      {source_kind::standard, "whsec_" + b64_24, true},
      {source_kind::standard, "whsec_" + b64_64, true},
      {source_kind::standard, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true},
      {source_kind::standard, "whsec_" + b64_23, false},
      {source_kind::standard, "whsec_" + b64_65, false},
      {source_kind::standard, b64_24, false}, // no prefix
      {source_kind::standard, "WHSEC_" + b64_24, false},
      {source_kind::standard, "whsec_", false},
      {source_kind::standard, "whsec_" + b64_24.substr(1), false},
      {source_kind::standard, "whsec_ " + b64_24.substr(1), false},
      {source_kind::standard, "whsec_" + b64_24 + "\n", false},
      {source_kind::standard, "whsec_a2tra2tra2tra2tra2tra2tra2tra2tra2t!", false},
      {source_kind::github, "12345678", true},
      {source_kind::github, std::string(256, '~'), true},
      {source_kind::github, "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", true},
      {source_kind::github, "1234567", false},
      {source_kind::github, std::string(257, 'a'), false},
      {source_kind::github, "It's a Secret to Everybody", true}, // GitHub's own example
      {source_kind::github, " leading-space", false},
      {source_kind::typeform, "trailing-space ", false},
      {source_kind::token, "a token with spaces", false},
      {source_kind::typeform, "tab\tseparated", false},
      {source_kind::typeform, "caf\xc3\xa9-secret", false}, // not ASCII
      {source_kind::stripe, "whsec_stripeExampleSecret123", true},
      {source_kind::stripe, "", false},
      {source_kind::token, "new\nline-secret", false},
      {source_kind::token, std::string("nul\0secret", 10), false},
  };
  for (const auto& r : rows) {
    INFO("kind: " << to_string(r.kind) << ", secret: '" << r.secret << "'");
    const auto error = check_source_secret(r.kind, r.secret);
    INFO("error: " << error);
    CHECK(error.empty() == r.fine);
  }
}

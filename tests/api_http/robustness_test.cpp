// Bad input never crashes hookd and never leaves a half-written message (docs/api.md): a storm of
// malformed HTTP and malformed API requests from several connections, interleaved with valid
// messages; afterwards the daemon still answers and the store holds exactly the accepted
// messages, each with all of its deliveries. Also JSON edge cases around the payload member.
#include "tests/api_http/api_harness.hpp"
#include "tests/support/store_scan.hpp"

#include <catch2/catch.hpp>

#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <thread>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

namespace {

/// Stored messages: id (or "seq N" when it has no delivery to name it) → deliveries.
std::map<std::string, std::size_t> stored_fanout(store::store& db, std::int64_t max_seq) {
  std::map<std::string, std::size_t> out;
  for (const auto& m : stored_messages(db, max_seq))
    out[m.deliveries.empty() ? "seq " + std::to_string(m.seq) : m.deliveries.front().message_id] =
        m.deliveries.size();
  return out;
}

std::string auth_line() {
  return std::string{"Authorization: Bearer "} + api_harness::token + "\r\n";
}

/// A POST /v1/messages with the token, `extra` header lines and a correct Content-Length.
std::string raw_post(const std::string& body, const std::string& extra = {}) {
  return "POST /v1/messages HTTP/1.1\r\nHost: x\r\n" + auth_line() + extra +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

/// Requests a well-behaved server must refuse (4xx) or close on, never accept.
std::vector<std::string> malformed_raw_requests() {
  const std::string post = "POST /v1/messages HTTP/1.1\r\nHost: x\r\n" + auth_line();
  using namespace std::string_literals; // "..."s keeps embedded NUL bytes
  return {
      "GARBAGE\r\n\r\n",
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"s, // TLS on plain HTTP
      "GET / HTTP/9.9\r\n\r\n",
      post + "Content-Length: abc\r\n\r\n{}",
      post + "Content-Length: -5\r\n\r\n",
      post + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
      post + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
      raw_post("{}", "X-Big: " + std::string(17 * 1024, 'h') + "\r\n"),
      raw_post("{}", "Bad Header Name: x\r\n"),
      raw_post("{\"event_type\":\"\xff\xfe\",\"payload\":1}"),
      raw_post("{\"event_type\":\"t\",\"payload\":\"\0\"}"s),
      raw_post("{\"event_type\":\"t\",\"payload\":1}", "Idempotency-Key: a b\r\n"),
      "POST /v1/messages?%zz HTTP/1.1\r\nHost: x\r\n" + auth_line() + "Content-Length: 2\r\n\r\n{}",
      "BREW /v1/messages HTTP/1.1\r\nHost: x\r\n" + auth_line() + "Content-Length: 2\r\n\r\n{}",
  };
}

/// API bodies that must be refused with 400 or 422.
std::vector<std::string> malformed_bodies() {
  std::string deep(1500, '[');
  deep += std::string(1500, ']');
  return {
      "",
      "{",
      "[]",
      deep,
      R"({"event_type":"t"})",
      R"({"event_type":"t","payload":null})",
      R"({"event_type":"t","payload":{"a":})",
      R"({"event_type":"t","payload":{}, "endpoint_id": 7})",
      R"({"event_type":"t","payload":{},"extra":true})",
      R"({"event_type":"","payload":1})",
      R"({"event_type":"t\u0000x","payload":1})",
      R"({"event_type":"t","payload":"\ud800"})",
      R"({"event_type":"t","payload":1}})",
      "{\"event_type\":\"t\",\"payload\":\"\xc3\x28\"}",
  };
}

} // namespace

TEST_CASE("api: a storm of malformed requests crashes nothing and half-writes nothing",
          "[api_http][robustness]") {
  test_receiver rx1, rx2;
  api_harness api;
  api.create_endpoint(rx1.url());
  api.create_endpoint(rx2.url());
  const auto raw = malformed_raw_requests();
  const auto bodies = malformed_bodies();

  std::mutex m;
  std::set<std::string> accepted;
  std::vector<std::string> unexpected;
  auto note = [&](const std::string& what, const http_response& r) {
    std::lock_guard guard{m};
    unexpected.push_back(what + " → " + show(r));
  };

  constexpr int workers = 4;
  constexpr int rounds = 25;
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w)
    threads.emplace_back([&, w] {
      std::mt19937 rng{static_cast<unsigned>(w)};
      http_connection keep{api.port(), 5s};
      const auto headers = api_harness::with_token({{"Content-Type", "application/json"}});
      for (int i = 0; i < rounds; ++i) {
        // Malformed HTTP on a connection of its own.
        const auto& bytes = raw[rng() % raw.size()];
        http_connection once{api.port(), 5s};
        auto r = once.exchange_raw(bytes);
        if (r.answered() && (r.status < 400 || r.status >= 500))
          note("raw " + bytes.substr(0, 40), r);
        // A truncated body: the client gives up half-way.
        http_connection cut{api.port(), 5s};
        cut.send("POST /v1/messages HTTP/1.1\r\nHost: x\r\n" + auth_line() +
                 "Content-Length: 100\r\n\r\n{\"event_type\":\"t\",\"pay");
        cut.close();
        // Malformed API bodies on the kept-alive connection.
        const auto& body = bodies[rng() % bodies.size()];
        r = keep.exchange("POST", "/v1/messages", headers, body);
        if (r.status != 400 && r.status != 422)
          note("body " + body.substr(0, 60), r);
        // And a valid message in between.
        const std::string good = R"({"event_type":"storm","payload":{"w":)" + std::to_string(w) +
                                 R"(,"i":)" + std::to_string(i) + "}}";
        r = keep.exchange("POST", "/v1/messages", headers, good);
        if (r.status != 202) {
          note("valid " + good, r);
          continue;
        }
        std::lock_guard guard{m};
        accepted.insert(json_of(r)["id"].get<std::string>());
      }
    });
  for (auto& t : threads)
    t.join();

  for (const auto& u : unexpected)
    UNSCOPED_INFO(u);
  CHECK(unexpected.empty());
  CHECK(accepted.size() == workers * rounds);

  // Still serving.
  CHECK(api.call_anonymous("GET", "/healthz").status == 200);
  CHECK(api.call_anonymous("GET", "/readyz").status == 200);
  const auto last = api.post_message("storm", R"({"last":true})");
  accepted.insert(last["id"].get<std::string>());

  // The store holds exactly the accepted messages, each with both deliveries.
  const auto stored = stored_fanout(api.inspector(), 10 * workers * rounds);
  CHECK(stored.size() == accepted.size());
  for (const auto& [id, deliveries] : stored) {
    CAPTURE(id);
    CHECK(accepted.contains(id));
    CHECK(deliveries == 2);
  }
  // And every one of them arrives at both receivers.
  CHECK(rx1.wait_for_count(accepted.size(), 10s));
  CHECK(rx2.wait_for_count(accepted.size(), 10s));
}

TEST_CASE("api: the stored payload is the payload member the JSON parser saw",
          "[api_http][robustness]") {
  test_receiver rx;
  api_harness api;
  const auto ep = api.create_endpoint(rx.url())["id"].get<std::string>();
  // Each body is valid JSON; hookd may accept it (then the payload stored and delivered must be
  // the value of "payload" as a JSON parser reads the object) or refuse it with a 4xx.
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"({"event_type":"t","payload":1,"payload":2})", "2"},
      {R"({"event_type":"t","\u0070ayload":{"x":1}})", R"({"x":1})"},
      {R"({"event_type":"t","payload":null,"\u0070ayload":{"y":2}})", R"({"y":2})"},
      {R"({"event_type":"t","payload":{"z":3},"p\u0061yload":null})", "null"},
  };
  for (const auto& [body, value] : cases) {
    CAPTURE(body);
    auto r = api.call("POST", "/v1/messages", body);
    INFO(show(r));
    REQUIRE(r.answered());
    if (r.status != 202) {
      CHECK(r.status >= 400);
      CHECK(r.status < 500);
      continue;
    }
    // Accepted: the answer must be JSON, and the stored payload the parser's value.
    CHECK_FALSE(json::parse(r.body, nullptr, false).is_discarded());
    std::smatch id;
    REQUIRE(std::regex_search(r.body, id, std::regex{R"re("id":"(msg_[0-9A-Z]+)")re"}));
    const auto stored = api.inspector().find_message(id[1]);
    REQUIRE(stored);
    INFO("stored payload: '" << stored->payload << "'");
    const auto parsed = json::parse(stored->payload, nullptr, false);
    CHECK_FALSE(parsed.is_discarded());
    CHECK(parsed == json::parse(value));
    CHECK(stored->payload != "null");
  }
  CHECK(api.call_anonymous("GET", "/healthz").status == 200);
}

// Logs of the real daemon: with log.format = "json" every line on stderr is one JSON object,
// and the state changes carry endpoint and message ids (docs/configuration.md, issue #5 logging).
#include "tests/daemon/daemon_process.hpp"
#include "tests/support/http_exchange.hpp"
#include "tests/support/live_helpers.hpp"
#include "tests/support/test_receiver.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sstream>

using namespace std::chrono_literals;
using namespace hookd::testing;

TEST_CASE("daemon: JSON log lines, one per state change, with endpoint and message ids",
          "[daemon][logging]") {
  test_receiver gone([](const received_request&) { return reply::with_status(410); });
  daemon_process d({"--log.format=json", "--log.level=info"});
  d.start();
  const auto ep = nlohmann::json::parse(
      http_exchange("POST", d.url("/v1/endpoints"), {}, R"({"url":")" + gone.url("/gone") + R"("})")
          .body)["id"]
                      .get<std::string>();
  const auto msg = nlohmann::json::parse(
      http_exchange("POST", d.url("/v1/messages"), {},
                    R"({"event_type":"t","payload":{"quote":"\"x\"\n"}})")
          .body)["id"]
                       .get<std::string>();
  REQUIRE(wait_until([&] { return d.log().find("endpoint disabled") != std::string::npos; }, 10s));
  REQUIRE(d.terminate() == 0);

  std::istringstream lines{d.log()};
  std::string line;
  bool disabled_line = false;
  int count = 0;
  while (std::getline(lines, line)) {
    if (line.empty())
      continue;
    INFO(line);
    const auto j = nlohmann::json::parse(line); // throws unless every line is JSON
    REQUIRE(j.contains("ts"));
    REQUIRE(j.contains("level"));
    REQUIRE(j.contains("msg"));
    ++count;
    const auto text = j["msg"].get<std::string>();
    if (text.rfind("endpoint disabled ", 0) == 0) { // the state change itself, not the alert
      disabled_line = true;
      CHECK(text.find("endpoint=" + ep) != std::string::npos);
      CHECK(text.find("message=" + msg) != std::string::npos);
      CHECK(text.find("reason=gone") != std::string::npos);
    }
  }
  CHECK(count > 3);
  CHECK(disabled_line);
}

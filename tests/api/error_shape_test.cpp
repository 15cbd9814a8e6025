// One writer of the API error shape: api_error::body() and the server's own error_response both
// come from net::error_body, byte for byte; one code for 500s; and docs/api.md's error table and
// docs/openapi.yaml's Error.code enum list the same codes.
#include "api/api_error.hpp"
#include "net/error_body.hpp"
#include "net/response_head.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#ifndef HOOKD_SOURCE_DIR
#error "HOOKD_SOURCE_DIR must name the repository root (see tests/CMakeLists.txt)"
#endif

using namespace hookd;
using namespace std::string_literals;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(std::string(HOOKD_SOURCE_DIR) + "/" + path, std::ios::binary);
  INFO("reading " << path);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Codes in docs/api.md's error table: rows "| 400 | `code` | ...".
std::set<std::string> codes_in_api_md() {
  std::set<std::string> codes;
  std::istringstream lines(read_text("docs/api.md"));
  const std::regex row(R"(^\| [45]\d\d \| (.*?) \|)");
  const std::regex code("`([a-z_]+)`");
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, row))
      continue;
    const std::string cell = m[1];
    for (std::sregex_iterator it(cell.begin(), cell.end(), code), end; it != end; ++it)
      codes.insert((*it)[1]);
  }
  return codes;
}

/// docs/openapi.yaml: the enum under components.schemas.Error...code.
std::set<std::string> codes_in_openapi() {
  const std::string text = read_text("docs/openapi.yaml");
  const auto error_schema = text.find("\n    Error:\n");
  REQUIRE(error_schema != std::string::npos);
  const auto enum_at = text.find("enum:\n", text.find("code:", error_schema));
  REQUIRE(enum_at != std::string::npos);
  std::set<std::string> codes;
  std::istringstream lines(text.substr(enum_at + 6));
  for (std::string line; std::getline(lines, line);) {
    const auto dash = line.find("- ");
    if (dash == std::string::npos || line.find_first_not_of(' ') != dash)
      break;
    codes.insert(line.substr(dash + 2));
  }
  return codes;
}

} // namespace

TEST_CASE("api_error bodies and the server's error responses are the same bytes",
          "[api][error_shape]") {
  const std::string messages[] = {
      "plain",
      "quotes \" and backslash \\ and / slash",
      "controls \n\r\t\b\f\x01\x1f",
      "unicode é ✓ 😀",
      "invalid utf-8 \xff\xfe, overlong \xc0\xaf, surrogate \xed\xa0\x80, cut \xe2\x82",
      ""s,
      "nul \0 inside"s,
  };
  for (const std::string& message : messages) {
    INFO(message);
    const api::api_error e{413, "payload_too_large", message};
    const std::string body = e.body();
    CHECK(body == net::error_response(413, "payload_too_large", message).body);
    CHECK(body == net::error_body("payload_too_large", message));
    // Always valid JSON with exactly {"error":{"code","message"}}, whatever the message holds.
    const auto doc = nlohmann::json::parse(body, nullptr, false);
    REQUIRE_FALSE(doc.is_discarded());
    CHECK(doc.size() == 1);
    CHECK(doc["error"].size() == 2);
    CHECK(doc["error"]["code"] == "payload_too_large");
    CHECK(body.rfind(R"({"error":{"code":"payload_too_large","message":")", 0) == 0);
  }
}

TEST_CASE("error_body: valid UTF-8 is kept, each invalid byte becomes U+FFFD",
          "[api][error_shape]") {
  CHECK(net::error_body("c", "é✓😀") == "{\"error\":{\"code\":\"c\",\"message\":\"é✓😀\"}}");
  CHECK(net::error_body("c", "a\xff" "b") ==
        "{\"error\":{\"code\":\"c\",\"message\":\"a\xEF\xBF\xBD" "b\"}}");
  CHECK(net::error_body("c", "\x01\"") ==
        "{\"error\":{\"code\":\"c\",\"message\":\"\\u0001\\\"\"}}");
}

TEST_CASE("a 500 has one code: internal_error", "[api][error_shape]") {
  const auto e = api::api_error::internal("boom");
  CHECK(e.status == 500);
  CHECK(e.code == "internal_error");
  CHECK(e.code == net::internal_error_code);
  net::server_response bad;
  bad.status = 42;
  std::string head;
  net::build_response_head(head, bad, "hookd", "date", {});
  CHECK(nlohmann::json::parse(bad.body)["error"]["code"] == "internal_error");
}

TEST_CASE("docs/api.md and docs/openapi.yaml list the same error codes", "[api][error_shape]") {
  const auto in_md = codes_in_api_md();
  const auto in_openapi = codes_in_openapi();
  CHECK(in_md == in_openapi);
  CHECK(in_md.count("internal_error") == 1);
  CHECK(in_md.count("internal") == 0);
  CHECK(in_md.count("too_deep") == 1);
}

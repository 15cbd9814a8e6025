// response_head: the hand-written response head, the error shape and the Date format (pure).
#include "net/response_head.hpp"

#include <catch2/catch.hpp>

using namespace hookd::net;

namespace {

constexpr std::string_view date = "Sun, 06 Nov 1994 08:49:37 GMT";

server_response make(int status, std::string body) {
  server_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

} // namespace

TEST_CASE("response head: status line, server headers, framing, handler headers",
          "[server][head]") {
  std::string out;
  auto r = make(202, "{\"id\":\"msg_1\"}");
  r.headers = {{"Location", "/v1/messages/msg_1"}};
  CHECK(build_response_head(out, r, "hookd", date, {}));
  CHECK(out == "HTTP/1.1 202 Accepted\r\n"
               "Server: hookd\r\n"
               "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
               "Content-Type: application/json\r\n"
               "Content-Length: 14\r\n"
               "Location: /v1/messages/msg_1\r\n"
               "\r\n");
}

TEST_CASE("response head: Connection, HEAD, 204/304, empty Server and Content-Type",
          "[server][head]") {
  std::string out;
  struct row {
    int status;
    response_framing framing;
    std::string_view server;
    std::string content_type;
    bool body_sent;
    std::vector<std::string_view> present;
    std::vector<std::string_view> absent;
  };
  std::vector<row> rows = {
      {200,
       {true, false, false},
       "hookd",
       "text/plain",
       true,
       {"Connection: close\r\n", "Content-Type: text/plain\r\n"},
       {"keep-alive"}},
      {200,
       {false, true, false},
       "hookd",
       "application/json",
       true,
       {"Connection: keep-alive\r\n"},
       {"close"}},
      {200,
       {false, false, true},
       "hookd",
       "application/json",
       false,
       {"Content-Length: 4\r\n"},
       {"Connection"}},
      {204,
       {},
       "hookd",
       "application/json",
       false,
       {"HTTP/1.1 204 No Content\r\n"},
       {"Content-Length"}},
      {304,
       {},
       "hookd",
       "application/json",
       false,
       {"HTTP/1.1 304 Not Modified\r\n"},
       {"Content-Length"}},
      {200, {}, "", "", true, {"Date: "}, {"Server:", "Content-Type:"}},
      {599, {}, "hookd", "application/json", true, {"HTTP/1.1 599 \r\n"}, {}},
  };
  for (auto& row : rows) {
    auto r = make(row.status, "body");
    r.content_type = row.content_type;
    INFO("status " << row.status);
    CHECK(build_response_head(out, r, row.server, date, row.framing) == row.body_sent);
    for (auto p : row.present)
      CHECK(out.find(p) != std::string::npos);
    for (auto a : row.absent)
      CHECK(out.find(a) == std::string::npos);
  }
}

TEST_CASE("response head: server-owned and unsafe handler headers are left out", "[server][head]") {
  std::string out;
  auto r = make(200, "x");
  r.headers = {{"content-length", "5"},   {"Transfer-Encoding", "chunked"},
               {"Connection", "close"},   {"Content-Type", "text/html"},
               {"Server", "other"},       {"Date", "yesterday"},
               {"X-Inject", "a\r\nB: c"}, {"X-Nul", std::string("a\0b", 3)},
               {"Bad Name", "v"},         {"", "v"},
               {"X-Ok", "fine"}};
  build_response_head(out, r, "hookd", date, {});
  CHECK(out == "HTTP/1.1 200 OK\r\nServer: hookd\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
               "Content-Type: application/json\r\nContent-Length: 1\r\nX-Ok: fine\r\n\r\n");
}

TEST_CASE("response head: a status outside 200..599 becomes a 500 error", "[server][head]") {
  for (int status : {0, 42, 100, 101, 199, 600, 1000, -1}) {
    std::string out;
    auto r = make(status, "whatever");
    r.content_type = "text/plain";
    INFO(status);
    CHECK(build_response_head(out, r, "hookd", date, {}));
    CHECK(out.rfind("HTTP/1.1 500 Internal Server Error\r\n", 0) == 0);
    CHECK(r.status == 500);
    CHECK(r.content_type == "application/json");
    CHECK(r.body.find("\"code\":\"internal_error\"") != std::string::npos);
  }
}

TEST_CASE("error_response: the API error shape, JSON-escaped", "[server][head]") {
  auto r = error_response(413, "payload_too_large", "over \"1 MiB\"\\\n\x01");
  CHECK(r.status == 413);
  CHECK(r.content_type == "application/json");
  CHECK(r.body == "{\"error\":{\"code\":\"payload_too_large\",\"message\":\"over \\\"1 "
                  "MiB\\\"\\\\\\n\\u0001\"}}");
}

TEST_CASE("http_date: IMF-fixdate", "[server][head]") {
  CHECK(http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(http_date(1709251199) == "Thu, 29 Feb 2024 23:59:59 GMT");
  date_cache cache;
  CHECK(cache.now().size() == 29);
  CHECK(cache.now().substr(26) == "GMT");
}

TEST_CASE("reason phrases", "[server][head]") {
  CHECK(reason_phrase(200) == "OK");
  CHECK(reason_phrase(408) == "Request Timeout");
  CHECK(reason_phrase(413) == "Payload Too Large");
  CHECK(reason_phrase(503) == "Service Unavailable");
  CHECK(reason_phrase(599).empty());
}

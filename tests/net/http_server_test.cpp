// http_server over real sockets on 127.0.0.1 (tests/net/blocking_client): request fields,
// responses, keep-alive, concurrency, body limits (413 before the body), malformed input,
// timeouts, draining, stopping, binding.
#include "net/http_server.hpp"
#include "tests/net/blocking_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;
using net::http_server;
using net::respond_fn;
using net::server_options;
using net::server_request;
using net::server_response;

namespace {

server_options test_options() {
  server_options o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.max_body_bytes = 1024;
  o.header_timeout = 5s;
  o.body_timeout = 5s;
  o.idle_timeout = 10s;
  return o;
}

server_response text(int status, std::string body) {
  server_response r;
  r.status = status;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

/// Answers at once: 200 "<method> <target> <body>".
void echo(server_request req, respond_fn respond) {
  respond(text(200, req.method + " " + req.target + " " + req.body));
}

/// A started server; the test fails when start() does.
struct running_server {
  running_server(server_options o, net::handler_fn h) : server(std::move(o), std::move(h)) {
    auto error = server.start();
    if (error)
      FAIL("start: " << *error);
  }
  http_server server;
};

/// What handlers saw, and the `respond`s they kept for later; thread-safe.
class request_box {
public:
  void put(server_request r, respond_fn respond = {}) {
    std::lock_guard lock(m_);
    requests_.push_back(std::move(r));
    if (respond)
      pending_.push_back(std::move(respond));
    cv_.notify_all();
  }
  bool wait_for(std::size_t n, std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, limit, [&] { return requests_.size() >= n; });
  }
  std::size_t size() {
    std::lock_guard lock(m_);
    return requests_.size();
  }
  server_request at(std::size_t i) {
    std::lock_guard lock(m_);
    return requests_.at(i);
  }
  respond_fn take() {
    std::lock_guard lock(m_);
    auto r = std::move(pending_.front());
    pending_.pop_front();
    return r;
  }
  void clear_pending() {
    std::deque<respond_fn> dropped;
    {
      std::lock_guard lock(m_);
      dropped.swap(pending_);
    }
  }

private:
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<server_request> requests_;
  std::deque<respond_fn> pending_;
};

bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds limit = 5s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

std::string error_code_of(const client_reply& r) {
  auto at = r.body.find("\"code\":\"");
  if (at == std::string::npos)
    return {};
  at += 8;
  return r.body.substr(at, r.body.find('"', at) - at);
}

void check_error(const client_reply& r, int status, const std::string& code) {
  INFO(r.body);
  CHECK(r.status == status);
  CHECK(error_code_of(r) == code);
  CHECK(r.body.rfind("{\"error\":{\"code\":\"" + code + "\",\"message\":\"", 0) == 0);
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.header("connection") == "close");
  CHECK(r.header("content-length") == std::to_string(r.body.size()));
}

std::string chunked(const std::vector<std::size_t>& sizes) {
  std::string out;
  char hex[32];
  for (auto n : sizes) {
    std::snprintf(hex, sizeof hex, "%zx\r\n", n);
    out.append(hex).append(std::string(n, 'c')).append("\r\n");
  }
  out.append("0\r\n\r\n");
  return out;
}

const std::string chunked_head =
    "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n";

} // namespace

// ---- requests and responses -------------------------------------------------------------------

TEST_CASE("the handler sees method, target with query, lower-cased headers, body and remote",
          "[server]") {
  request_box box;
  running_server s(test_options(), [&](server_request r, respond_fn respond) {
    box.put(std::move(r));
    respond(text(201, "made"));
  });
  blocking_client c(s.server.port());
  auto reply = c.request("POST", "/v1/endpoints?limit=10&cursor=a%20b", "{\"url\":\"x\"}",
                         {{"X-Request-ID", "abc"}, {"Idempotency-Key", "k-1"}});
  CHECK(reply.status == 201);
  CHECK(reply.body == "made");
  REQUIRE(box.wait_for(1));
  auto r = box.at(0);
  CHECK(r.method == "POST");
  CHECK(r.target == "/v1/endpoints?limit=10&cursor=a%20b");
  CHECK(r.body == "{\"url\":\"x\"}");
  CHECK(r.header("x-request-id") == "abc");
  CHECK(r.header("idempotency-key") == "k-1");
  CHECK(r.header("host") == "127.0.0.1");
  CHECK(r.header("content-length") == "11");
  CHECK(r.header("X-Request-ID").empty()); // lookups use the lower-case name
  CHECK(r.header("absent").empty());
  for (const auto& [name, value] : r.headers) {
    INFO(name);
    CHECK(std::none_of(name.begin(), name.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }));
  }
  CHECK(r.remote == "127.0.0.1:" + std::to_string(c.local_port()));
}

TEST_CASE("other methods and targets reach the handler as received", "[server]") {
  request_box box;
  running_server s(test_options(), [&](server_request r, respond_fn respond) {
    box.put(std::move(r));
    respond(text(204, ""));
  });
  blocking_client c(s.server.port());
  CHECK(c.request("GET", "/").status == 204);
  CHECK(c.request("DELETE", "/v1/endpoints/ep_1").status == 204);
  CHECK(c.request("PATCH", "/v1/endpoints/ep_1", "{}").status == 204);
  CHECK(c.request("GET", "/metrics?x").status == 204);
  REQUIRE(box.wait_for(4));
  CHECK(box.at(0).method == "GET");
  CHECK(box.at(0).target == "/");
  CHECK(box.at(0).body.empty());
  CHECK(box.at(1).method == "DELETE");
  CHECK(box.at(2).method == "PATCH");
  CHECK(box.at(2).body == "{}");
  CHECK(box.at(3).target == "/metrics?x");
}

TEST_CASE("responses carry status, Server, Date, Content-Type, Content-Length and headers",
          "[server]") {
  auto opts = test_options();
  opts.server_header = "hookd-test";
  running_server s(opts, [](server_request, respond_fn respond) {
    server_response r;
    r.status = 202;
    r.body = "{\"id\":\"msg_1\"}";
    r.headers = {{"X-Custom", "yes"},
                 {"Location", "/v1/messages/msg_1"},
                 {"Content-Length", "999"},      // owned by the server: left out
                 {"Connection", "keep-alive"},   // same
                 {"X-Evil", "a\r\nInjected: 1"}, // CR/LF in the value: left out
                 {"Bad Name", "v"}};
    respond(std::move(r));
  });
  blocking_client c(s.server.port());
  auto reply = c.request("POST", "/v1/messages", "{}");
  CHECK(reply.status == 202);
  CHECK(reply.version == 11);
  CHECK(reply.body == "{\"id\":\"msg_1\"}");
  CHECK(reply.header("server") == "hookd-test");
  CHECK(reply.header("content-type") == "application/json");
  CHECK(reply.header("content-length") == "14");
  CHECK(reply.header("date").value_or("").size() == 29);
  CHECK(reply.header("x-custom") == "yes");
  CHECK(reply.header("location") == "/v1/messages/msg_1");
  CHECK_FALSE(reply.header("connection"));
  CHECK_FALSE(reply.header("injected"));
  CHECK_FALSE(reply.header("x-evil"));
  CHECK(reply.keep_alive);
  // The connection stays usable (the dropped headers did not break the framing).
  CHECK(c.request("GET", "/again").status == 202);
}

TEST_CASE("HEAD gets the head only, 204 gets no Content-Length", "[server]") {
  running_server s(test_options(), [](server_request r, respond_fn respond) {
    respond(text(r.target == "/empty" ? 204 : 200, "twelve bytes"));
  });
  blocking_client c(s.server.port());
  auto head = c.request("HEAD", "/");
  CHECK(head.status == 200);
  CHECK(head.header("content-length") == "12");
  CHECK(head.body.empty());
  auto empty = c.request("GET", "/empty");
  CHECK(empty.status == 204);
  CHECK_FALSE(empty.header("content-length"));
  CHECK(empty.body.empty());
  // Framing held: the next response on the same connection is intact.
  CHECK(c.request("GET", "/").body == "twelve bytes");
}

TEST_CASE("a handler may answer later from another thread", "[server]") {
  request_box box;
  running_server s(test_options(), [&](server_request r, respond_fn respond) {
    if (r.target == "/fast")
      return respond(text(200, "fast"));
    box.put(std::move(r), std::move(respond));
  });
  std::thread worker([&] {
    if (!box.wait_for(1))
      return;
    std::this_thread::sleep_for(300ms);
    box.take()(text(200, "late"));
  });
  blocking_client slow(s.server.port());
  auto start = std::chrono::steady_clock::now();
  REQUIRE(slow.send(format_request("POST", "/slow", "x")));
  REQUIRE(box.wait_for(1));
  // The io thread is free meanwhile: another connection is answered at once.
  blocking_client other(s.server.port());
  CHECK(other.request("GET", "/fast").body == "fast");
  auto reply = slow.read_reply();
  worker.join();
  REQUIRE(reply);
  CHECK(reply->body == "late");
  CHECK(std::chrono::steady_clock::now() - start >= 300ms);
  CHECK(slow.request("GET", "/fast").body == "fast"); // and the connection lives on
}

TEST_CASE("respond: the first call counts, a dropped respond answers 500", "[server]") {
  running_server s(test_options(), [](server_request r, respond_fn respond) {
    if (r.target == "/twice") {
      respond(text(200, "first"));
      respond(text(500, "second"));
    } else if (r.target == "/throws") {
      throw std::runtime_error("handler bug");
    } else if (r.target == "/status") {
      respond(text(42, "nonsense"));
    }
    // "/drop": respond goes out of scope unanswered
  });
  blocking_client c(s.server.port());
  CHECK(c.request("GET", "/twice").body == "first");
  auto dropped = c.request("GET", "/drop");
  CHECK(dropped.status == 500);
  CHECK(error_code_of(dropped) == "internal_error");
  CHECK(c.request("GET", "/throws").status == 500);
  auto bad = c.request("GET", "/status");
  CHECK(bad.status == 500);
  CHECK(error_code_of(bad) == "internal_error");
  CHECK(c.request("GET", "/twice").body == "first"); // still the same, healthy connection
}

// ---- connections ------------------------------------------------------------------------------

TEST_CASE("keep-alive: 100 requests on one connection", "[server]") {
  request_box box;
  running_server s(test_options(), [&](server_request r, respond_fn respond) {
    auto body = r.body;
    box.put(std::move(r));
    respond(text(200, body));
  });
  blocking_client c(s.server.port());
  for (int i = 0; i < 100; ++i) {
    auto reply = c.request("POST", "/v1/messages", "n=" + std::to_string(i));
    REQUIRE(reply.status == 200);
    REQUIRE(reply.body == "n=" + std::to_string(i));
    REQUIRE(reply.keep_alive);
  }
  REQUIRE(box.wait_for(100));
  std::set<std::string> remotes;
  for (std::size_t i = 0; i < 100; ++i)
    remotes.insert(box.at(i).remote);
  CHECK(remotes.size() == 1);
  CHECK(s.server.open_connections() == 1);
}

TEST_CASE("pipelined requests are answered in order", "[server]") {
  running_server s(test_options(), echo);
  blocking_client c(s.server.port());
  REQUIRE(c.send(format_request("POST", "/a", "1") + format_request("GET", "/b") +
                 format_request("POST", "/c", "3")));
  for (auto expected : {"POST /a 1", "GET /b ", "POST /c 3"}) {
    auto reply = c.read_reply();
    REQUIRE(reply);
    CHECK(reply->body == expected);
  }
}

TEST_CASE("50 concurrent connections on 2 io threads", "[server]") {
  auto opts = test_options();
  opts.threads = 2;
  std::mutex m;
  std::set<std::string> remotes;
  std::set<std::thread::id> io_threads;
  running_server s(opts, [&](server_request r, respond_fn respond) {
    {
      std::lock_guard lock(m);
      remotes.insert(r.remote);
      io_threads.insert(std::this_thread::get_id());
    }
    respond(text(200, r.target + ":" + r.body));
  });

  constexpr int connections = 50;
  constexpr int per_connection = 20;
  std::atomic<int> ok{0};
  std::atomic<int> connected{0};
  std::atomic<bool> go{false};
  std::atomic<std::size_t> open_seen{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < connections; ++i)
    clients.emplace_back([&, i] {
      try {
        blocking_client c(s.server.port());
        auto first = c.request("POST", "/c" + std::to_string(i), "hello");
        if (first.body == "/c" + std::to_string(i) + ":hello")
          ++ok;
        ++connected;
        while (!go)
          std::this_thread::sleep_for(1ms);
        for (int k = 1; k < per_connection; ++k) {
          auto target = "/c" + std::to_string(i) + "/" + std::to_string(k);
          auto reply = c.request("POST", target, std::to_string(k));
          if (reply.status == 200 && reply.body == target + ":" + std::to_string(k))
            ++ok;
        }
      } catch (const std::exception&) {
      }
    });
  REQUIRE(wait_until([&] { return connected == connections; }, 10s));
  open_seen = s.server.open_connections();
  go = true;
  for (auto& t : clients)
    t.join();
  CHECK(ok == connections * per_connection);
  CHECK(open_seen == connections);
  CHECK(remotes.size() == connections);
  CHECK(io_threads.size() == 2); // round-robin over both io threads
  CHECK(wait_until([&] { return s.server.open_connections() == 0; }));
}

TEST_CASE("Connection: close and HTTP/1.0 framing", "[server]") {
  running_server s(test_options(), echo);

  SECTION("a request asking to close gets Connection: close, then the connection closes") {
    blocking_client c(s.server.port());
    auto reply = c.request("GET", "/", {}, {{"Connection", "close"}});
    CHECK(reply.status == 200);
    CHECK(reply.header("connection") == "close");
    CHECK(c.closed_within(2s));
  }
  SECTION("HTTP/1.0 without keep-alive: one request, then close") {
    blocking_client c(s.server.port());
    REQUIRE(c.send("GET /old HTTP/1.0\r\n\r\n"));
    auto reply = c.read_reply();
    REQUIRE(reply);
    CHECK(reply->body == "GET /old ");
    CHECK(reply->header("connection") == "close");
    CHECK(c.closed_within(2s));
  }
  SECTION("HTTP/1.0 with keep-alive: announced, and the connection serves again") {
    blocking_client c(s.server.port());
    for (int i = 0; i < 3; ++i) {
      REQUIRE(c.send("GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
      auto reply = c.read_reply();
      REQUIRE(reply);
      CHECK(reply->body == "GET /k ");
      CHECK(reply->header("connection") == "keep-alive");
    }
    CHECK(s.server.open_connections() == 1);
  }
}

TEST_CASE("over max_connections with none idle: 503 service_unavailable, then room again",
          "[server]") {
  auto opts = test_options();
  opts.max_connections = 2;
  request_box box; // holds every answer: both connections stay busy, none is idle
  running_server s(opts, [&](server_request r, respond_fn respond) {
    box.put(std::move(r), std::move(respond));
  });
  blocking_client a(s.server.port());
  blocking_client b(s.server.port());
  // One at a time: the box answers in arrival order, and the test answers a first.
  REQUIRE(a.send(format_request("GET", "/a")));
  REQUIRE(box.wait_for(1));
  REQUIRE(b.send(format_request("GET", "/b")));
  REQUIRE(box.wait_for(2));
  CHECK(s.server.open_connections() == 2);
  {
    blocking_client c(s.server.port());
    auto reply = c.read_reply();
    REQUIRE(reply);
    check_error(*reply, 503, "service_unavailable");
    CHECK(c.closed_within(3s));
  }
  CHECK(s.server.open_connections() == 2);
  box.take()(text(200, "a"));
  CHECK(a.read_reply());
  a.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  REQUIRE(box.wait_for(3));
  box.take()(text(200, "b"));
  box.take()(text(200, "a again"));
  CHECK(b.read_reply());
  CHECK(a.read_reply());
  REQUIRE(wait_until([&] { return s.server.open_connections() == 1; }));
  blocking_client d(s.server.port());
  REQUIRE(d.send(format_request("GET", "/d")));
  REQUIRE(box.wait_for(4));
  box.take()(text(200, "d"));
  auto reply = d.read_reply();
  REQUIRE(reply);
  CHECK(reply->status == 200);
}

TEST_CASE("at max_connections the oldest idle connection makes room for a new client",
          "[server][limits]") {
  auto opts = test_options();
  opts.max_connections = 2;
  running_server s(opts, echo);
  blocking_client a(s.server.port());
  CHECK(a.request("GET", "/a").status == 200); // a idles first: the oldest
  std::this_thread::sleep_for(20ms);
  blocking_client b(s.server.port());
  CHECK(b.request("GET", "/b").status == 200);
  CHECK(s.server.open_connections() == 2);
  std::vector<std::unique_ptr<blocking_client>> newcomers;
  for (int i = 0; i < 3; ++i) { // each newcomer evicts the oldest idle one and is answered
    newcomers.push_back(std::make_unique<blocking_client>(s.server.port()));
    auto reply = newcomers.back()->request("GET", "/c");
    CHECK(reply.status == 200);
    CHECK(reply.keep_alive);
    CHECK(s.server.open_connections() == 2);
  }
  // Evicted without an answer, oldest first: a, b, then the first newcomer.
  CHECK(a.closed_within(3s));
  CHECK(b.closed_within(3s));
  CHECK(newcomers[0]->closed_within(3s));
  CHECK(newcomers[2]->request("GET", "/again").status == 200);
}

TEST_CASE("at max_connections on 2 io threads, a newcomer that evicts an idle connection of the "
          "other thread runs on that thread",
          "[server][limits]") {
  // Connections are accepted round-robin (#0 on thread 0, #1 on thread 1, ...). With three
  // slots and connections idling in arrival order, the newcomer accepted on one thread mostly
  // evicts the oldest idle connection of the other: its session then lives on that other
  // thread's unit, so its socket must complete there too (not on the accepting thread).
  auto opts = test_options();
  opts.threads = 2;
  opts.max_connections = 3;
  std::mutex m;
  std::map<std::string, std::thread::id> thread_of; // request target -> handler thread
  running_server s(opts, [&](server_request r, respond_fn respond) {
    {
      std::lock_guard lock(m);
      thread_of[r.target] = std::this_thread::get_id();
    }
    respond(text(200, "ok"));
  });
  auto thread_for = [&](const std::string& target) {
    std::lock_guard lock(m);
    return thread_of.at(target);
  };
  struct client {
    std::unique_ptr<blocking_client> connection;
    std::string name;
  };
  std::deque<client> idle; // oldest idle first
  int cross_thread = 0;
  for (int i = 0; i < 12; ++i) {
    client c{std::make_unique<blocking_client>(s.server.port()), "/c" + std::to_string(i)};
    auto reply = c.connection->request("GET", c.name);
    INFO("client " << i);
    REQUIRE(reply.status == 200);
    CHECK(reply.keep_alive);
    if (idle.size() == 3) { // full: the oldest idle connection made room
      auto evicted = std::move(idle.front());
      idle.pop_front();
      CHECK(evicted.connection->closed_within(3s));
      CHECK(thread_for(c.name) == thread_for(evicted.name)); // the evicted one's thread
      if (i % 2 != (i - 3) % 2)
        ++cross_thread;
    }
    // The connection answers again on its thread, and idles after every other one.
    CHECK(c.connection->request("GET", c.name + "/again").status == 200);
    CHECK(thread_for(c.name + "/again") == thread_for(c.name));
    CHECK(s.server.open_connections() == std::min<std::size_t>(idle.size() + 1, 3));
    idle.push_back(std::move(c));
    std::this_thread::sleep_for(5ms);
  }
  CHECK(cross_thread > 0);
  CHECK(thread_for("/c0") != thread_for("/c1")); // round-robin over both threads
}

TEST_CASE("keep-alive is not renewable forever: max_connection_age closes the connection",
          "[server][limits]") {
  auto opts = test_options();
  opts.idle_timeout = 10s;
  opts.max_connection_age = 300ms;
  running_server s(opts, [](server_request r, respond_fn respond) {
    if (r.target == "/slow") // still working when the connection comes of age
      std::this_thread::sleep_for(250ms);
    echo(std::move(r), std::move(respond));
  });
  blocking_client c(s.server.port());
  auto first = c.request("GET", "/1");
  CHECK(first.keep_alive);
  SECTION("a response at that age says Connection: close") {
    std::this_thread::sleep_for(100ms);
    CHECK(c.request("GET", "/2").keep_alive); // still young
    auto last = c.request("GET", "/slow");
    CHECK(last.status == 200);
    CHECK_FALSE(last.keep_alive);
    CHECK(last.header("connection") == "close");
    CHECK(c.closed_within(3s));
  }
  SECTION("an idle wait ends at that age, long before idle_timeout") {
    auto start = std::chrono::steady_clock::now();
    CHECK(c.closed_within(3s));
    CHECK(std::chrono::steady_clock::now() - start < 2s);
  }
}

// ---- body limits ------------------------------------------------------------------------------

TEST_CASE("Content-Length over the limit: 413 from the header alone", "[server]") {
  request_box box;
  running_server s(test_options(), [&](server_request r, respond_fn respond) {
    box.put(std::move(r));
    respond(text(200, "ok"));
  });
  blocking_client c(s.server.port());

  SECTION("only the header is sent: the 413 arrives anyway, and the connection closes") {
    REQUIRE(c.send("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n"));
    auto reply = c.read_reply(3s);
    REQUIRE(reply);
    check_error(*reply, 413, "payload_too_large");
    // The server lingers: it still reads (and drops) what the client sends, so a client busy
    // uploading gets no reset that could destroy the response in flight.
    for (int i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(50ms);
      CHECK(c.send(std::string(300, 'b')));
    }
    CHECK(c.closed_within(3s));
  }
  SECTION("with Expect: 100-continue, no 100 is sent: the 413 is the first response") {
    REQUIRE(c.send("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n"
                   "Expect: 100-continue\r\n\r\n"));
    auto reply = c.read_reply(3s);
    REQUIRE(reply);
    check_error(*reply, 413, "payload_too_large");
    CHECK(c.closed_within(3s));
  }
  SECTION("a client that sends the body anyway still reads the 413 (no reset)") {
    std::string big(256 * 1024, 'b');
    REQUIRE(c.send(format_request("POST", "/v1/messages", big)));
    auto reply = c.read_reply(3s);
    INFO(c.last_error());
    REQUIRE(reply);
    check_error(*reply, 413, "payload_too_large");
    CHECK(c.closed_within(5s));
  }
  SECTION("a client that sends the body after the 413 went out still reads it (no reset)") {
    std::string big(256 * 1024, 'b');
    auto request = format_request("POST", "/v1/messages", big);
    auto split = request.size() - big.size() + 1000;
    REQUIRE(c.send(request.substr(0, split)));
    std::this_thread::sleep_for(200ms); // the 413 is written by now
    CHECK(c.send(request.substr(split)));
    auto reply = c.read_reply(3s);
    INFO(c.last_error());
    REQUIRE(reply);
    check_error(*reply, 413, "payload_too_large");
    CHECK(c.closed_within(5s));
  }
  CHECK(box.size() == 0);
}

TEST_CASE("a chunked body over the limit: 413", "[server]") {
  request_box box;
  running_server s(test_options(), [&](server_request r, respond_fn respond) {
    box.put(std::move(r));
    respond(text(200, "ok"));
  });
  blocking_client c(s.server.port());
  SECTION("the chunk that crosses the limit") {
    REQUIRE(c.send(chunked_head + chunked({600, 600})));
  }
  SECTION("announced by a chunk header before its data is sent") {
    REQUIRE(c.send(chunked_head + "100\r\n" + std::string(256, 'c') + "\r\n1000\r\n"));
  }
  auto reply = c.read_reply(3s);
  REQUIRE(reply);
  check_error(*reply, 413, "payload_too_large");
  CHECK(c.closed_within(3s));
  CHECK(box.size() == 0);
}

TEST_CASE("a body of exactly the limit is accepted", "[server]") {
  request_box box;
  running_server s(test_options(), [&](server_request r, respond_fn respond) {
    auto n = r.body.size();
    box.put(std::move(r));
    respond(text(200, std::to_string(n)));
  });
  blocking_client c(s.server.port());
  auto reply = c.request("POST", "/v1/messages", std::string(1024, 'x'));
  CHECK(reply.status == 200);
  CHECK(reply.body == "1024");
  REQUIRE(c.send(chunked_head + chunked({512, 500, 12})));
  auto chunked_reply = c.read_reply();
  REQUIRE(chunked_reply);
  CHECK(chunked_reply->status == 200);
  CHECK(chunked_reply->body == "1024");
  REQUIRE(box.wait_for(2));
  CHECK(box.at(1).body == std::string(1024, 'c'));
  CHECK(c.request("POST", "/empty", "").body == "0"); // Content-Length: 0 (the 1.74 quirk)
}

TEST_CASE("a route's own body limit (body_limit) replaces max_body_bytes for its requests",
          "[server][limits]") {
  auto opts = test_options(); // max_body_bytes 1024
  opts.body_limit = [](const server_request& head) -> std::size_t {
    return head.target == "/big" ? 4096 : 0; // 0: max_body_bytes
  };
  request_box box;
  running_server s(opts, [&](server_request r, respond_fn respond) {
    auto n = r.body.size();
    box.put(std::move(r));
    respond(text(200, std::to_string(n)));
  });
  blocking_client c(s.server.port());
  CHECK(c.request("POST", "/big", std::string(4096, 'x')).body == "4096");
  REQUIRE(c.send("POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                 chunked({2000, 2000, 96})));
  auto big_chunked = c.read_reply(3s);
  REQUIRE(big_chunked);
  CHECK(big_chunked->body == "4096");

  SECTION("a Content-Length over the route's limit: 413 naming it, from the header alone") {
    blocking_client over(s.server.port());
    REQUIRE(over.send("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 4097\r\n\r\n"));
    auto reply = over.read_reply(3s);
    REQUIRE(reply);
    check_error(*reply, 413, "payload_too_large");
    CHECK_THAT(reply->body, Catch::Contains("4096"));
  }
  SECTION("a chunked body crossing the route's limit: 413") {
    blocking_client over(s.server.port());
    REQUIRE(over.send("POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                      chunked({3000, 3000})));
    auto reply = over.read_reply(3s);
    REQUIRE(reply);
    check_error(*reply, 413, "payload_too_large");
  }
  SECTION("other routes keep max_body_bytes") {
    blocking_client other(s.server.port());
    REQUIRE(other.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n"));
    auto reply = other.read_reply(3s);
    REQUIRE(reply);
    check_error(*reply, 413, "payload_too_large");
    CHECK_THAT(reply->body, Catch::Contains("1024"));
  }
  CHECK(box.size() == 2);
}

TEST_CASE("Expect: 100-continue within the limit gets 100, then the answer", "[server]") {
  running_server s(test_options(), echo);
  blocking_client c(s.server.port());
  REQUIRE(c.send("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                 "Expect: 100-continue\r\n\r\n"));
  auto interim = c.read_reply();
  REQUIRE(interim);
  CHECK(interim->status == 100);
  REQUIRE(c.send("hello"));
  auto reply = c.read_reply();
  REQUIRE(reply);
  CHECK(reply->status == 200);
  CHECK(reply->body == "POST /v1/messages hello");
}

TEST_CASE("head_check refuses a request before its body is read, then closes", "[server][auth]") {
  auto opts = test_options();
  opts.head_check = [](const server_request& head) -> std::optional<server_response> {
    if (head.header("authorization") == "Bearer t")
      return std::nullopt;
    return text(401, "no");
  };
  request_box box;
  running_server s(opts, [&](server_request r, respond_fn respond) {
    box.put(r);
    respond(text(200, "got " + r.body));
  });
  blocking_client c(s.server.port());
  // Header only: the body never comes. The answer must not wait for it (body_timeout is 5 s).
  REQUIRE(c.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"));
  auto start = std::chrono::steady_clock::now();
  auto reply = c.read_reply(2s);
  REQUIRE(reply);
  CHECK(reply->status == 401);
  CHECK(reply->header("connection") == "close");
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  CHECK(c.closed_within(3s));
  CHECK(box.size() == 0);

  blocking_client ok(s.server.port());
  auto accepted = ok.request("POST", "/a", "body", {{"Authorization", "Bearer t"}});
  CHECK(accepted.status == 200);
  CHECK(accepted.body == "got body");
}

TEST_CASE("bodies in flight share one budget: over it, 503 with Retry-After before the body",
          "[server][limits]") {
  auto opts = test_options();
  opts.max_body_bytes = 1024;
  opts.max_body_bytes_in_flight = 1500;
  running_server s(opts, echo);
  blocking_client a(s.server.port());
  REQUIRE(a.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" +
                 std::string(10, 'a'))); // 1000 bytes reserved, most still to come
  std::this_thread::sleep_for(100ms);
  {
    blocking_client b(s.server.port());
    REQUIRE(b.send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"));
    auto reply = b.read_reply(2s);
    REQUIRE(reply);
    check_error(*reply, 503, "service_unavailable");
    CHECK(reply->header("retry-after") == "1");
    CHECK(b.closed_within(3s));
  }
  {
    blocking_client small(s.server.port()); // 400 more still fit
    CHECK(small.request("POST", "/small", std::string(400, 's')).status == 200);
  }
  REQUIRE(a.send(std::string(990, 'a')));
  auto done = a.read_reply(2s);
  REQUIRE(done);
  CHECK(done->status == 200);
  blocking_client later(s.server.port()); // the budget was given back
  CHECK(later.request("POST", "/later", std::string(1000, 'l')).status == 200);
  SECTION("a chunked body counts as max_body_bytes until complete") {
    blocking_client chunk(s.server.port());
    REQUIRE(chunk.send(chunked_head)); // holds 1024
    std::this_thread::sleep_for(100ms);
    blocking_client other(s.server.port());
    REQUIRE(other.send("POST /o HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n"));
    auto reply = other.read_reply(2s);
    REQUIRE(reply);
    CHECK(reply->status == 503);
    REQUIRE(chunk.send(chunked({3})));
    auto finished = chunk.read_reply(2s);
    REQUIRE(finished);
    CHECK(finished->status == 200);
  }
}

// ---- malformed input --------------------------------------------------------------------------

TEST_CASE("malformed requests: 400 malformed_request, then close", "[server]") {
  request_box box;
  running_server s(test_options(), [&](server_request r, respond_fn respond) {
    box.put(std::move(r));
    respond(text(200, "ok"));
  });
  blocking_client c(s.server.port());
  std::string bytes;
  SECTION("not HTTP") {
    bytes = "HELLO THERE\r\n\r\n";
  }
  SECTION("a header line without a colon") {
    bytes = "GET / HTTP/1.1\r\nHost x\r\n\r\n";
  }
  SECTION("a bad Content-Length") {
    bytes = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n";
  }
  SECTION("two different Content-Lengths") {
    bytes = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab";
  }
  SECTION("a bad chunk size") {
    bytes = chunked_head + "zz\r\nabc\r\n0\r\n\r\n";
  }
  SECTION("a header over 16 KiB") {
    bytes = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(17 * 1024, 'h') + "\r\n\r\n";
  }
  REQUIRE(c.send(bytes));
  auto reply = c.read_reply(3s);
  INFO(c.last_error());
  REQUIRE(reply);
  check_error(*reply, 400, "malformed_request");
  CHECK(c.closed_within(3s));
  CHECK(box.size() == 0);
}

TEST_CASE("Transfer-Encoding other than exactly chunked: 400, the rest is not a next request",
          "[server][smuggling]") {
  // RFC 9112 §6.1/§6.3: a request whose Transfer-Encoding does not end in chunked has no
  // reliable length, and TE with Content-Length is a smuggling signature: both are refused.
  request_box box;
  running_server s(test_options(), [&](server_request r, respond_fn respond) {
    box.put(std::move(r));
    respond(text(200, "ok"));
  });
  const std::string smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string head;
  SECTION("chunked, identity") {
    head = "Transfer-Encoding: chunked, identity\r\n";
  }
  SECTION("identity") {
    head = "Transfer-Encoding: identity\r\n";
  }
  SECTION("gzip, chunked") {
    head = "Transfer-Encoding: gzip, chunked\r\n";
  }
  SECTION("two Transfer-Encoding fields") {
    head = "Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n";
  }
  SECTION("identity with Content-Length") {
    head = "Transfer-Encoding: identity\r\nContent-Length: 5\r\n";
  }
  SECTION("Content-Length with chunked") {
    head = "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n";
  }
  SECTION("chunked with Content-Length after it") {
    head = "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n";
  }
  SECTION("chunked in an HTTP/1.0 request") {
    head = "Transfer-Encoding: chunked\r\n";
  }
  bool http10 = head == "Transfer-Encoding: chunked\r\n";
  blocking_client c(s.server.port());
  REQUIRE(c.send(std::string("POST /a HTTP/1.") + (http10 ? "0" : "1") + "\r\nHost: x\r\n" + head +
                 "\r\n" + chunked({3}) + smuggled));
  auto reply = c.read_reply(3s);
  INFO(c.last_error());
  REQUIRE(reply);
  check_error(*reply, 400, "malformed_request");
  CHECK(c.closed_within(3s));
  CHECK(box.size() == 0);
}

TEST_CASE("Transfer-Encoding: chunked alone (any case, with spaces) is accepted",
          "[server][smuggling]") {
  running_server s(test_options(), echo);
  blocking_client c(s.server.port());
  REQUIRE(c.send("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:  Chunked \r\n\r\n" +
                 chunked({3, 2})));
  auto reply = c.read_reply(3s);
  REQUIRE(reply);
  CHECK(reply->status == 200);
  CHECK(reply->body == "POST /a ccccc");
  SECTION("equal duplicate Content-Lengths are one length") {
    REQUIRE(
        c.send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok"));
    auto again = c.read_reply(3s);
    REQUIRE(again);
    CHECK(again->body == "POST /b ok");
  }
}

// ---- timeouts ---------------------------------------------------------------------------------

TEST_CASE("timeouts: header, body, idle", "[server]") {
  auto opts = test_options();
  opts.header_timeout = 300ms;
  opts.body_timeout = 300ms;
  opts.idle_timeout = 400ms;
  request_box box;
  running_server s(opts, [&](server_request r, respond_fn respond) {
    box.put(std::move(r));
    respond(text(200, "ok"));
  });
  blocking_client c(s.server.port());
  auto start = std::chrono::steady_clock::now();

  SECTION("a partial header: 408 request_timeout, then close") {
    REQUIRE(c.send("POST /v1/messages HTTP/1.1\r\nHost: x\r\n"));
    auto reply = c.read_reply(3s);
    REQUIRE(reply);
    check_error(*reply, 408, "request_timeout");
    CHECK(c.closed_within(3s));
    CHECK(std::chrono::steady_clock::now() - start >= 250ms);
  }
  SECTION("a header sent byte by byte too slowly still times out (deadline, not idle gap)") {
    std::string head = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    bool answered = false;
    for (char ch : head) {
      if (!c.send(std::string(1, ch)))
        break;
      std::this_thread::sleep_for(30ms);
      if (std::chrono::steady_clock::now() - start > 600ms)
        break;
    }
    auto reply = c.read_reply(3s);
    answered = reply && reply->status == 200;
    CHECK_FALSE(answered);
    if (reply)
      check_error(*reply, 408, "request_timeout");
  }
  SECTION("nothing sent: closed without an answer") {
    CHECK(c.closed_within(3s));
    CHECK(std::chrono::steady_clock::now() - start >= 250ms);
  }
  SECTION("a partial body: 408, then close") {
    REQUIRE(c.send("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
    auto reply = c.read_reply(3s);
    REQUIRE(reply);
    check_error(*reply, 408, "request_timeout");
    CHECK(c.closed_within(3s));
  }
  SECTION("an idle keep-alive connection closes after idle_timeout, not header_timeout") {
    CHECK(c.request("GET", "/").status == 200);
    auto after = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(330ms); // past header_timeout, within idle_timeout
    CHECK(c.request("GET", "/").status == 200);
    after = std::chrono::steady_clock::now();
    CHECK(c.closed_within(3s));
    CHECK(std::chrono::steady_clock::now() - after >= 350ms);
  }
  CHECK(box.size() <= 2);
  CHECK(wait_until([&] { return s.server.open_connections() == 0; }));
}

// ---- draining and stopping --------------------------------------------------------------------

TEST_CASE("stop_accepting: new connections refused, in-flight answered with Connection: close",
          "[server]") {
  request_box box;
  running_server s(test_options(), [&](server_request r, respond_fn respond) {
    if (r.target == "/hold")
      return box.put(std::move(r), std::move(respond));
    respond(text(200, "ok"));
  });
  auto port = s.server.port();
  blocking_client idle(port);
  CHECK(idle.request("GET", "/").status == 200); // now idle between requests
  blocking_client busy(port);
  REQUIRE(busy.send(format_request("POST", "/hold", "x")));
  REQUIRE(box.wait_for(1));
  CHECK(s.server.open_connections() == 2);

  auto start = std::chrono::steady_clock::now();
  s.server.stop_accepting();
  CHECK(blocking_client::connect_error(port)); // refused at once
  CHECK(idle.closed_within(2s));               // nothing in flight: closed now
  CHECK(std::chrono::steady_clock::now() - start < 500ms);

  box.take()(text(200, "held"));
  auto reply = busy.read_reply();
  REQUIRE(reply);
  CHECK(reply->status == 200);
  CHECK(reply->body == "held");
  CHECK(reply->header("connection") == "close");
  CHECK(busy.closed_within(2s));
  CHECK(wait_until([&] { return s.server.open_connections() == 0; }));
  s.server.stop_accepting(); // idempotent
}

TEST_CASE("stop() with a never-responding handler returns promptly, late responds are harmless",
          "[server]") {
  request_box box;
  respond_fn kept;
  {
    auto opts = test_options();
    opts.threads = 2;
    http_server server(opts, [&](server_request r, respond_fn respond) {
      box.put(std::move(r), std::move(respond));
    });
    REQUIRE_FALSE(server.start());
    blocking_client a(server.port());
    blocking_client b(server.port());
    REQUIRE(a.send(format_request("POST", "/never", "1")));
    REQUIRE(b.send(format_request("POST", "/never", "2")));
    REQUIRE(box.wait_for(2));

    auto start = std::chrono::steady_clock::now();
    server.stop();
    CHECK(std::chrono::steady_clock::now() - start < 1s);
    CHECK(a.closed_within(2s));
    CHECK(b.closed_within(2s));
    CHECK(server.open_connections() == 0);
    box.take()(text(200, "after stop")); // dropped
    kept = box.take();
    server.stop();         // idempotent
    CHECK(server.start()); // a stopped server does not start again
  }
  kept(text(200, "after destruction")); // the server is gone: still harmless
  kept = nullptr;
  box.clear_pending();
}

TEST_CASE("stop() closes idle and mid-header connections", "[server]") {
  running_server s(test_options(), echo);
  blocking_client idle(s.server.port());
  CHECK(idle.request("GET", "/").status == 200);
  blocking_client partial(s.server.port());
  REQUIRE(partial.send("GET / HTTP/1.1\r\n"));
  REQUIRE(wait_until([&] { return s.server.open_connections() == 2; }));
  auto start = std::chrono::steady_clock::now();
  s.server.stop();
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  CHECK(idle.closed_within(2s));
  CHECK(partial.closed_within(2s));
  CHECK(blocking_client::connect_error(s.server.port()));
}

// ---- binding ----------------------------------------------------------------------------------

TEST_CASE("port 0: an ephemeral port is bound and reported", "[server]") {
  http_server server(test_options(), echo);
  CHECK(server.port() == 0);
  REQUIRE_FALSE(server.start());
  CHECK(server.port() != 0);
  blocking_client c(server.port());
  CHECK(c.request("GET", "/").status == 200);
  auto again = server.start();
  REQUIRE(again);
  CHECK(*again == "the server is already running");
}

TEST_CASE("start() on a port in use reports the address", "[server]") {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor taken(
      io, {boost::asio::ip::make_address("127.0.0.1"), 0}); // listening, no SO_REUSEPORT
  auto port = taken.local_endpoint().port();
  auto opts = test_options();
  opts.port = port;
  http_server server(opts, echo);
  auto error = server.start();
  REQUIRE(error);
  CHECK(*error == "127.0.0.1:" + std::to_string(port) + ": address in use");
  CHECK(server.port() == 0);
  CHECK(server.open_connections() == 0);

  SECTION("a second http_server on the same port fails the same way") {
    taken.close();
    http_server first(opts, echo);
    REQUIRE_FALSE(first.start());
    http_server second(opts, echo);
    auto second_error = second.start();
    REQUIRE(second_error);
    CHECK(second_error->find("address in use") != std::string::npos);
    blocking_client c(port);
    CHECK(c.request("GET", "/").status == 200);
  }
}

TEST_CASE("start() on an address that is not local fails", "[server]") {
  auto opts = test_options();
  opts.host = "192.0.2.1"; // TEST-NET-1: never assigned to this host
  http_server server(opts, echo);
  auto error = server.start();
  REQUIRE(error);
  CHECK(error->rfind("192.0.2.1:0: ", 0) == 0);
}

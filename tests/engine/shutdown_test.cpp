// Shutdown and stopping actors in real time, over real HTTP on 127.0.0.1: a drain is bounded by
// the endpoint's own attempt timeout even when the receiver never answers, the delivery is
// attempted again after a restart, and an HTTP destination that stops mid-attempt answers its
// requester with an error instead of leaving it waiting.
#include "actors/http_destination.hpp"
#include "messages/errors.hpp"
#include "tests/engine/live_engine.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

TEST_CASE("live: shutdown stops waiting after the endpoint's timeout and a few seconds, the "
          "unfinished deliveries stay pending and are delivered after a restart",
          "[live][shutdown]") {
  // The receiver never answers, and the destination runs one attempt at a time: the first
  // attempt times out after 3 s, the second then starts and the third still waits in line, so
  // the drain cannot finish by itself before the endpoint actor's deadline (3 s + 2 s).
  test_receiver rx([](const received_request&) { return reply::hang(); });
  live_engine e([](config::config& c) { // http.attempt_timeout stays 1 s
    c.http.max_in_flight = 1;
    c.http.io_threads = 1;
  });
  const auto ep = e.add_endpoint(rx.url(), {}, [](store::endpoint_record& r) { r.timeout_ms = 3000; });
  std::vector<std::string> messages;
  for (int i = 0; i < 3; ++i)
    messages.push_back(e.submit("{}", ep));
  REQUIRE(rx.wait_for_count(1, 2s)); // the first attempt is in flight

  const auto start = steady::now();
  e.shutdown();
  const auto took = steady::now() - start;
  CHECK(took >= 2s);     // it waited for the endpoint's timeout, not http.attempt_timeout
  CHECK(took < 3s + 4s); // and no longer than it plus a few seconds
  e.stop();              // must not block: nothing waits for an answer that cannot come
  int unfinished = 0;
  for (const auto& m : messages) {
    const auto d = e.delivery(m);
    CHECK(d.status == delivery_status::pending);
    if (d.attempts == 0)
      ++unfinished; // never recorded: attempted again from its due time
  }
  CHECK(unfinished == 2);

  rx.set_handler([](const received_request&) { return reply::ok(); });
  CHECK(e.start() == 1);
  REQUIRE(wait_until([&] {
    for (const auto& m : messages)
      if (!e.delivery_is(m, delivery_status::delivered))
        return false;
    return true;
  }));
}

TEST_CASE("live: an HTTP destination that stops mid-attempt answers it with an error",
          "[live][shutdown]") {
  test_receiver rx([](const received_request&) { return reply::hang(); });
  live_engine e;
  http_destination_options opts;
  opts.client.user_agent = "hookd-test";
  auto dest = spawn_http_destination(e.sys(), opts);
  attempt_request req;
  req.delivery_id = 1;
  req.message_id = "msg_1";
  req.endpoint_id = "ep_1";
  req.url = rx.url("/hang");
  req.secrets.push_back("whsec_dGVzdC1zZWNyZXQtdGVzdC1zZWNyZXQtdGVzdA==");
  req.body = payload{std::string{"{}"}};
  req.timeout = 30s;

  std::thread killer([&] {
    if (rx.wait_for_count(1, 5s))
      caf::anon_send_exit(dest, caf::exit_reason::kill);
  });
  caf::scoped_actor self{e.sys()};
  std::optional<caf::error> error;
  const auto start = steady::now();
  self->request(dest, 10s, std::move(req))
      .receive([](attempt_result&) {}, [&](caf::error& err) { error = std::move(err); });
  const auto took = steady::now() - start;
  killer.join();
  REQUIRE(error);
  INFO(caf::to_string(*error));
  CHECK(code_of(*error) == static_cast<std::uint8_t>(errc::shutting_down));
  CHECK(took < 5s); // answered when it stopped, not at the request's own time-out
}

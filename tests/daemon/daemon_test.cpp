// The real hookd binary end to end: a message reaches its subscribed endpoints (and skips the
// others), the API shows each delivery's state and attempts, a 410 disables its endpoint with
// reason "gone"; SIGTERM exits 0. And the command line: --version, --help, invalid values.
#include "config/options.hpp"
#include "hookd_version.hpp"
#include "policy/signing.hpp"
#include "tests/daemon/daemon_api.hpp"
#include "tests/daemon/daemon_process.hpp"
#include "tests/support/api_json.hpp"
#include "tests/support/live_helpers.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

namespace {

json get_json(const daemon_process& d, const std::string& target) {
  auto r = call(d, "GET", target);
  INFO(show(r));
  REQUIRE(r.status == 200);
  return json_of(r);
}

/// The message's delivery to `endpoint_id`.
json delivery_of(const daemon_process& d, const std::string& message_id,
                 const std::string& endpoint_id) {
  const auto msg = get_json(d, "/v1/messages/" + message_id);
  for (const auto& dl : msg["deliveries"])
    if (dl["endpoint_id"] == endpoint_id)
      return dl;
  FAIL("no delivery of " << message_id << " to " << endpoint_id << ": " << msg.dump());
  return {};
}

bool delivery_has(const daemon_process& d, const std::string& message_id,
                  const std::string& endpoint_id, const std::string& status) {
  return delivery_of(d, message_id, endpoint_id)["status"] == status;
}

} // namespace

TEST_CASE("daemon: a message reaches its subscribers, the API shows deliveries and attempts, a "
          "410 disables its endpoint",
          "[daemon][e2e]") {
  test_receiver rx_a{[](const received_request&) { return reply::ok("a-ok"); }};
  test_receiver rx_b{replies({reply::with_status(503, "busy")}, reply::ok("b-ok"))};
  test_receiver rx_other;
  test_receiver rx_gone{[](const received_request&) { return reply::with_status(410, "gone"); }};
  daemon_process d;
  d.start();

  const auto a = create_endpoint(d, rx_a.url("/a"), {{"event_types", {"order.paid"}}});
  const auto b =
      create_endpoint(d, rx_b.url("/b"), {{"event_types", {"order.paid", "order.refunded"}}});
  const auto other =
      create_endpoint(d, rx_other.url("/other"), {{"event_types", {"user.created"}}});
  const auto gone = create_endpoint(d, rx_gone.url("/gone"), {{"event_types", {"legacy.ping"}}});

  const std::string payload = R"({"order":"ord_1042","amount_cents":4999})";
  auto posted =
      call(d, "POST", "/v1/messages", R"({"event_type":"order.paid","payload":)" + payload + "}");
  INFO(show(posted));
  REQUIRE(posted.status == 202);
  const auto msg = id_of(json_of(posted));
  CHECK(json_of(posted)["deliveries"].size() == 2);

  REQUIRE(wait_until([&] {
    return delivery_has(d, msg, id_of(a), "delivered") &&
           delivery_has(d, msg, id_of(b), "delivered");
  }));
  const auto da = delivery_of(d, msg, id_of(a));
  CHECK(da["attempts"] == 1);
  CHECK(da["last_status_code"] == 200);
  CHECK(da["last_error"].is_null());
  const auto db = delivery_of(d, msg, id_of(b));
  CHECK(db["attempts"] == 2); // 503, then 200
  CHECK(db["last_status_code"] == 200);

  // What the receivers got: the payload bytes, signed with each endpoint's secret.
  REQUIRE(rx_a.count() == 1);
  const auto req = rx_a.requests().front();
  CHECK(req.body == payload);
  CHECK(req.header("webhook-id") == msg);
  CHECK(req.header("webhook-signature") ==
        policy::standard_signature(a["secret"].get<std::string>(), msg,
                                   std::stoll(req.header("webhook-timestamp").value_or("0")),
                                   req.body));
  CHECK(webhook_ids(rx_b) == std::multiset<std::string>{msg, msg});
  CHECK(holds_for([&] { return rx_other.count() == 0; }, 300ms));

  // The attempt log.
  const auto attempts = get_json(d, "/v1/messages/" + msg + "/attempts");
  REQUIRE(attempts["data"].size() == 3);
  CHECK(attempts["next_cursor"].is_null());
  std::map<std::string, std::vector<std::string>> outcomes;
  for (const auto& at : attempts["data"])
    outcomes[at["endpoint_id"].get<std::string>()].push_back(at["outcome"].get<std::string>() +
                                                             "/" + at["status_code"].dump());
  CHECK(outcomes[id_of(a)] == std::vector<std::string>{"success/200"});
  CHECK(outcomes[id_of(b)] == std::vector<std::string>{"failure/503", "success/200"});

  // 410: disabled at once with reason "gone".
  auto ping = call(d, "POST", "/v1/messages", R"({"event_type":"legacy.ping","payload":{"n":1}})");
  REQUIRE(ping.status == 202);
  const auto ping_id = id_of(json_of(ping));
  REQUIRE(wait_until(
      [&] { return get_json(d, "/v1/endpoints/" + id_of(gone))["status"] == "disabled"; }));
  const auto gone_now = get_json(d, "/v1/endpoints/" + id_of(gone));
  CHECK(gone_now["disabled_reason"] == "gone");
  const auto dg = delivery_of(d, ping_id, id_of(gone));
  CHECK(dg["status"] == "failed");
  CHECK(dg["reason"] == "endpoint_disabled");
  CHECK(dg["last_status_code"] == 410);
  const auto ping_attempts = get_json(d, "/v1/messages/" + ping_id + "/attempts");
  REQUIRE(ping_attempts["data"].size() == 1);
  CHECK(ping_attempts["data"][0]["outcome"] == "permanent");
  CHECK(rx_gone.count() == 1);

  // Graceful stop.
  CHECK(d.terminate() == 0);
  CHECK(d.log().find("stopped") != std::string::npos);
}

TEST_CASE("daemon: --version and --help exit 0", "[daemon][cli]") {
  const auto v = run_hookd({"--version"});
  CHECK(v.exit_code == 0);
  CHECK(v.out.find(hookd::version) != std::string::npos);

  const auto h = run_hookd({"--help"});
  CHECK(h.exit_code == 0);
  for (const char* flag : {"--config", "--version", "--help"})
    CHECK(h.out.find(flag) != std::string::npos);
  for (const auto& option : config::options()) {
    CAPTURE(option.name());
    CHECK(h.out.find(option.flag()) != std::string::npos);
    CHECK(h.out.find(option.env_name()) != std::string::npos);
  }
}

TEST_CASE("daemon: an invalid configuration value exits 2 naming the key", "[daemon][cli]") {
  struct bad_case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string key;
  };
  temp_dir dir;
  const auto toml = dir.file("bad.toml");
  std::ofstream{toml} << "[retry]\nmultiplier = \"fast\"\n";
  const auto store_flag = "--store.path=" + dir.file("never.db");
  const std::vector<bad_case> cases{
      {{"--retry.jitter=2", store_flag}, {}, "retry.jitter"},
      {{"--retry.initial_interval=soon", store_flag}, {}, "retry.initial_interval"},
      {{"--http.connect_timeout=20s", store_flag}, {}, "http.connect_timeout"},
      {{"--server.max_payload_bytes=10", store_flag}, {}, "server.max_payload_bytes"},
      {{"--server.listen=nowhere", store_flag}, {}, "server.listen"},
      {{"--log.level=loud", store_flag}, {}, "log.level"},
      {{store_flag}, {{"HOOKD_HTTP_IO_THREADS", "0"}}, "http.io_threads"},
      {{"--config", toml, store_flag}, {}, "retry.multiplier"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.args, c.key);
    const auto r = run_hookd(c.args, c.env);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(c.key) != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(dir.file("never.db")));
}

TEST_CASE("daemon: a second hookd on the same store.path exits 1 saying the store is in use",
          "[daemon][cli]") {
  daemon_process d;
  d.start();
  // It fails opening the store, before it would listen anywhere.
  const auto second = run_hookd({"--store.path=" + d.db_path(), "--server.listen=127.0.0.1:9"});
  INFO("stderr: " << second.err);
  CHECK(second.exit_code == 1);
  CHECK(second.err.find("in use by another hookd process") != std::string::npos);
  CHECK(second.err.find(d.db_path() + ".lock") != std::string::npos);
  CHECK(d.terminate() == 0);
  // The lock goes with the process: the same store opens again.
  d.start();
  CHECK(d.terminate() == 0);
}

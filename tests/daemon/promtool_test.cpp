// Prometheus' own checker on what /metrics serves: `promtool check metrics` (Debian's
// prometheus package, installed by scripts/test) must accept a scrape of a daemon that has
// delivered, failed, disabled an endpoint, alerted and taken inbound requests, so every
// family has samples, labels included.
#include "sys/child_process.hpp"
#include "tests/api_http/inbound_support.hpp"
#include "tests/daemon/daemon_api.hpp"
#include "tests/support/live_helpers.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_receiver.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in{path};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct check_result {
  int exit_code = -1;
  std::string output;
};

/// Runs `promtool check metrics` on `exposition` (it reads stdin only).
check_result promtool_check(const std::string& exposition) {
  temp_dir dir;
  const auto input = dir.file("metrics.txt");
  const auto output = dir.file("promtool.out");
  std::ofstream{input} << exposition;
  sys::spawn_options o;
  o.argv = {"/bin/sh", "-c", "exec promtool check metrics < '" + input + "'"};
  o.env = sys::child_environment("", {});
  o.stdout_path = output;
  o.stderr_path = output;
  o.truncate = true;
  const auto child = sys::spawn(o);
  check_result r;
  if (auto status = sys::wait_exit(child.pid, 60s))
    r.exit_code = *status;
  else
    sys::kill_and_reap(child.pid);
  r.output = read_all(output);
  return r;
}

} // namespace

TEST_CASE("daemon: promtool check metrics accepts /metrics with every family populated",
          "[daemon][metrics][promtool]") {
  test_receiver rx{[](const received_request& r) {
    return r.target == "/gone" ? reply::with_status(410) : reply::ok();
  }};
  daemon_process d;
  d.start();
  auto ok = create_endpoint(d, rx.url("/ok"));
  auto gone = create_endpoint(d, rx.url("/gone"), {{"event_types", {"gone.only"}}});
  REQUIRE(call(d, "POST", "/v1/messages", R"({"event_type":"order.paid","payload":{"n":1}})").status == 202);
  REQUIRE(call(d, "POST", "/v1/messages", R"({"event_type":"gone.only","payload":{"n":2}})").status == 202);
  auto src = call(d, "POST", "/v1/sources", R"({"name":"forms","kind":"typeform","secret":"typeform-secret-abc"})");
  REQUIRE(src.status == 201);
  const auto path = "/in/" + json_of(src)["id"].get<std::string>();
  const std::string body = R"({"event_id":"e1","event_type":"form_response"})";
  REQUIRE(http_exchange("POST", d.url(path), typeform_headers("typeform-secret-abc", body), body).status == 200);
  REQUIRE(http_exchange("POST", d.url(path), typeform_headers("wrong-secret-xyz", body), body).status == 401);
  REQUIRE(wait_until(
      [&] {
        auto m = call(d, "GET", "/metrics").body;
        return m.find("hookd_endpoint_disabled_total{reason=\"gone\"} 1") != std::string::npos &&
               m.find("\nhookd_pending_deliveries 0\n") != std::string::npos;
      },
      20s));

  auto scrape = call(d, "GET", "/metrics");
  REQUIRE(scrape.status == 200);
  CHECK(scrape.body.find("hookd_inbound_requests_total{source=") != std::string::npos);
  const auto checked = promtool_check(scrape.body);
  INFO("promtool:\n" << checked.output << "\nexposition:\n" << scrape.body);
  CHECK(checked.exit_code == 0);
  (void)ok;
  (void)gone;
}

// An operator's disable and enable in virtual time, with attempts in flight across both: the
// re-enabled endpoint has its full concurrency at once, and the late results of the attempts
// started before the disable are recorded without disturbing the new attempts.
#include "tests/actors/asker.hpp"
#include "tests/actors/vtime_engine.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using namespace hookd;
using hookd::testing::ask_later;
using hookd::testing::scripted_reply;
using hookd::testing::vtime_engine;

namespace {

const std::string url = "http://127.0.0.1:9/limited";

void set_status(vtime_engine& e, const std::string& endpoint_id, endpoint_status status) {
  set_endpoint_status_cmd cmd;
  cmd.endpoint_id = endpoint_id;
  cmd.status = status;
  cmd.reason = status == endpoint_status::disabled ? disabled_reason::manual : disabled_reason::none;
  cmd.at = e.now();
  auto answer = ask_later<std::size_t>(e.sys(), e.eng().dispatcher(), cmd);
  e.run();
  REQUIRE(answer->reply);
}

} // namespace

TEST_CASE("after disable and enable, an endpoint whose attempts were in flight has its full "
          "concurrency at once",
          "[engine][disable]") {
  vtime_engine e;
  const auto ep =
      e.add_endpoint(url, {}, [](store::endpoint_record& r) { r.max_concurrency = 2; });
  auto calls = std::make_shared<int>(0);
  e.script_for(url, [calls](const attempt_request&) {
    scripted_reply r;
    r.hang = ++*calls <= 2; // the first two never answer
    return r;
  });
  e.submit("t", "{}");
  e.submit("t", "{}");
  e.run();
  REQUIRE(e.attempts_to(url).size() == 2); // both slots taken by hanging attempts

  set_status(e, ep, endpoint_status::disabled);
  set_status(e, ep, endpoint_status::enabled);
  const auto third = e.submit("t", "{}");
  const auto fourth = e.submit("t", "{}");
  e.run();
  CHECK(e.attempts_to(url).size() == 4); // both slots free again
  CHECK(e.deliveries_of(third).at(0).status == delivery_status::delivered);
  CHECK(e.deliveries_of(fourth).at(0).status == delivery_status::delivered);
}

// Operator actions racing each other or an ingest through the dispatcher, in virtual time: the
// commands reach the writer in one batch, and each answer tells what the store did.
#include "messages/errors.hpp"
#include "tests/actors/asker.hpp"
#include "store/sqlite_store.hpp"
#include "tests/actors/vtime_engine.hpp"

#include <catch2/catch.hpp>

using namespace hookd;
using namespace std::chrono_literals;
using hookd::testing::ask_later;
using hookd::testing::scripted_reply;
using hookd::testing::vtime_engine;

namespace {

const std::string url = "http://127.0.0.1:9/races";

std::uint8_t code(errc c) {
  return static_cast<std::uint8_t>(c);
}

submit_message to_endpoint(const std::string& endpoint_id) {
  return submit_message{"order.created", R"({"n":1})", endpoint_id, {}, {}, {}, {}, {}, {}, {}};
}

} // namespace

TEST_CASE("a message sent by id to an endpoint deleted in the same batch is refused as unknown",
          "[engine][races]") {
  vtime_engine e;
  const auto ep = e.add_endpoint(url);
  auto deleted = ask_later<bool>(e.sys(), e.eng().dispatcher(), delete_endpoint_cmd{ep, no_time});
  auto sent = ask_later<submit_result>(e.sys(), e.eng().dispatcher(), to_endpoint(ep));
  e.run();
  REQUIRE(deleted->reply);
  REQUIRE(sent->error);
  CHECK(code_of(*sent->error) == code(errc::unknown_endpoint));
  CHECK(e.attempts().empty());
}

TEST_CASE("a message sent by id to an endpoint disabled in the same batch is refused as disabled",
          "[engine][races]") {
  vtime_engine e;
  const auto ep = e.add_endpoint(url);
  set_endpoint_status_cmd off;
  off.endpoint_id = ep;
  off.status = endpoint_status::disabled;
  off.reason = disabled_reason::manual;
  auto disabled = ask_later<std::size_t>(e.sys(), e.eng().dispatcher(), off);
  auto sent = ask_later<submit_result>(e.sys(), e.eng().dispatcher(), to_endpoint(ep));
  e.run();
  REQUIRE(disabled->reply);
  REQUIRE(sent->error);
  CHECK(code_of(*sent->error) == code(errc::endpoint_disabled));
  CHECK(describe(*sent->error) == "endpoint " + ep + " is disabled");
}

TEST_CASE("of two concurrent DELETEs of one endpoint, the second is told it is unknown",
          "[engine][races]") {
  vtime_engine e;
  const auto ep = e.add_endpoint(url);
  auto first = ask_later<bool>(e.sys(), e.eng().dispatcher(), delete_endpoint_cmd{ep, no_time});
  auto second = ask_later<bool>(e.sys(), e.eng().dispatcher(), delete_endpoint_cmd{ep, no_time});
  e.run();
  REQUIRE(first->reply);
  CHECK(*first->reply);
  REQUIRE(second->error);
  CHECK(code_of(*second->error) == code(errc::unknown_endpoint));
  CHECK_FALSE(e.endpoint(ep));
}

TEST_CASE("hookd's own disable is retried until the store takes it", "[engine][disable]") {
  vtime_engine e;
  const auto ep = e.add_endpoint(url);
  auto calls = std::make_shared<int>(0);
  e.script_for(url, [calls](const attempt_request&) {
    scripted_reply r;
    r.status = ++*calls == 1 ? 500 : 410; // the retry is answered 410 Gone
    return r;
  });
  e.submit("order.created", "{}");
  e.run();
  REQUIRE(*calls == 1);

  // Another connection holds the write lock while the 410 comes back: the disable fails.
  auto other = store::open_sqlite_store(e.db_path());
  other->begin();
  e.advance(5min);
  REQUIRE(*calls == 2);
  CHECK(e.endpoint(ep)->status == endpoint_status::enabled); // not stored yet
  other->rollback();

  e.advance(10s);
  auto stored = e.endpoint(ep);
  REQUIRE(stored);
  CHECK(stored->status == endpoint_status::disabled);
  CHECK(stored->reason == disabled_reason::gone);
}

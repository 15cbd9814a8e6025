// release_memory gives a connection's cached pages back (the store actors call it once they are
// quiet, actors/quiet_release.hpp), and the store works as before afterwards.
#include "tests/store/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

using namespace hookd::store;
using namespace hookd::store::testing;

TEST_CASE("release_memory gives the page cache back", "[store][sqlite]") {
  hookd::testing::temp_dir dir;
  const auto path = dir.file("hookd.db");
  auto db = open_sqlite_store(path);
  db->begin();
  for (int i = 0; i < 2000; ++i) {
    auto msg = make_message("msg_" + std::to_string(i), at_ms(i));
    msg.payload.assign(2048, 'x');
    auto deliveries = make_deliveries(msg, {"ep_a"});
    db->insert_message(msg, deliveries);
  }
  db->commit();
  const auto cached = sqlite3_memory_used();
  db->release_memory();
  const auto released = cached - sqlite3_memory_used();
  // About 6 MB of pages were written through this connection's cache.
  CHECK(released > 4'000'000);
  CHECK(db->find_message("msg_1999"));
}

// quiet_release: one timer while a store actor is busy, the cache released once after a whole
// quiet period, no timer left armed while quiet.
#include "actors/quiet_release.hpp"
#include "store/sqlite_store.hpp"

#include <catch2/catch.hpp>

using hookd::quiet_release;

TEST_CASE("quiet_release arms one timer and releases once after a quiet period",
          "[quiet_release]") {
  auto db = hookd::store::open_sqlite_store(":memory:");
  quiet_release q;
  CHECK(q.note_activity());       // first request: arm
  CHECK_FALSE(q.note_activity()); // armed already
  CHECK(q.on_tick(*db));          // busy during that period: again
  // A quiet period went by: released, and the timer stays off until the next request.
  CHECK_FALSE(q.on_tick(*db));
  CHECK(q.note_activity());
  CHECK(q.on_tick(*db));
  CHECK_FALSE(q.note_activity()); // activity while armed
  CHECK(q.on_tick(*db));
  CHECK_FALSE(q.on_tick(*db));
}

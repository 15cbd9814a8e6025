#include "tests/store/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace hookd;
using namespace hookd::store;
using namespace hookd::store::testing;

TEST_CASE("reader instances see what the writer committed, not what it has not",
          "[store][connections]") {
  store_fixture f;
  auto reader = f.open_reader();
  auto second_reader = f.open_reader();

  insert(*f.db, "msg_1", at_ms(1), {"ep_a"});
  CHECK(reader->find_message("msg_1"));

  f.db->begin();
  auto msg = make_message("msg_2", at_ms(2));
  auto ds = make_deliveries(msg, {"ep_a"});
  f.db->insert_message(msg, ds);
  CHECK_FALSE(reader->find_message("msg_2")); // not committed yet
  CHECK(reader->load_pending("ep_a").size() == 1);

  second_reader->begin(); // a read snapshot from before the commit
  CHECK(second_reader->load_pending("ep_a").size() == 1);
  f.db->commit();
  CHECK(second_reader->load_pending("ep_a").size() == 1);
  second_reader->commit();

  CHECK(reader->find_message("msg_2"));
  CHECK(second_reader->load_pending("ep_a").size() == 2);
}

TEST_CASE("a reader instance refuses writes", "[store][connections]") {
  store_fixture f;
  auto reader = f.open_reader();
  reader->begin();
  auto msg = make_message("msg_1", at_ms(1));
  std::vector<delivery_record> ds;
  CHECK_THROWS_WITH(reader->insert_message(msg, ds), Catch::Contains("read-only"));
  CHECK_THROWS_AS(reader->put_endpoint(make_endpoint("ep_a")), error);
  reader->rollback();
}

TEST_CASE("two writers on one file take turns", "[store][connections]") {
  store_fixture f;
  auto other = f.open_writer();
  insert(*f.db, "msg_1", at_ms(1), {"ep_a"});
  insert(*other, "msg_2", at_ms(2), {"ep_a"});
  CHECK(f.db->load_pending("ep_a").size() == 2);
  CHECK(other->load_pending("ep_a").size() == 2);
}

TEST_CASE("a second process lock on one database is refused with a message saying why",
          "[store][connections][sqlite]") {
  store_fixture f;
  sqlite_options locked;
  locked.process_lock = true;
  auto first = open_sqlite_store(f.path, locked);
  CHECK_THROWS_WITH(open_sqlite_store(f.path, locked),
                    Catch::Contains("in use by another hookd process") &&
                        Catch::Contains(f.path + ".lock"));
  auto reader = open_sqlite_store(f.path, {.read_only = true}); // readers take no lock
  first.reset(); // the lock goes with the instance
  CHECK_NOTHROW(open_sqlite_store(f.path, locked));
}

#include "store/sqlite_schema.hpp"
#include "tests/store/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <fstream>

#include <sqlite3.h>

using namespace hookd;
using namespace hookd::store;
using namespace hookd::store::testing;

namespace {

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream{path, std::ios::binary} << bytes;
}

/// Runs `sql` on the SQLite file at `path`, checking it succeeds.
void exec_sql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  INFO((err ? err : ""));
  CHECK(rc == SQLITE_OK);
  sqlite3_free(err);
  sqlite3_close(db);
}

/// Takes a version 4 database back to what version 3 left (no inbound sources).
void undo_version_4(const std::string& path) {
  exec_sql(path, "DROP INDEX messages_by_source; DROP INDEX messages_by_sender_id; "
                 "DROP TABLE sources; ALTER TABLE messages DROP COLUMN source_id;");
}

/// Takes a version 4 database back to what version 2 left (no applications).
void undo_version_3(const std::string& path) {
  undo_version_4(path);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  const char* sql =
      "DROP INDEX endpoints_by_application; DROP INDEX endpoints_by_uid; "
      "DROP INDEX messages_by_application; DROP INDEX messages_by_event_id; "
      "DROP TABLE applications; DROP TABLE event_types; "
      "ALTER TABLE endpoints DROP COLUMN application_id; "
      "ALTER TABLE endpoints DROP COLUMN uid; ALTER TABLE endpoints DROP COLUMN headers; "
      "ALTER TABLE endpoints DROP COLUMN metadata; ALTER TABLE messages DROP COLUMN "
      "application_id; ALTER TABLE messages DROP COLUMN event_id; ALTER TABLE messages DROP "
      "COLUMN channels;";
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  INFO((err ? err : ""));
  CHECK(rc == SQLITE_OK);
  sqlite3_free(err);
  sqlite3_close(db);
}

void set_user_version(const std::string& path, int version) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  auto sql = "PRAGMA user_version = " + std::to_string(version);
  CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

} // namespace

TEST_CASE("opening under a path that cannot be created throws a useful error", "[store][errors][sqlite]") {
  hookd::testing::temp_dir dir;
  write_file(dir.file("plain_file"), "x");
  auto path = dir.file("plain_file/sub/hookd.db"); // a regular file where a directory should be
  CHECK_THROWS_AS(open_sqlite_store(path), error);
  CHECK_THROWS_WITH(open_sqlite_store(path), Catch::Contains("cannot create directory") &&
                                                 Catch::Contains(dir.file("plain_file/sub")));
}

TEST_CASE("opening a directory as the database throws", "[store][errors][sqlite]") {
  hookd::testing::temp_dir dir;
  CHECK_THROWS_WITH(open_sqlite_store(dir.path().string()), Catch::Contains(dir.path().string()));
}

TEST_CASE("opening a file that is not a database throws", "[store][errors][sqlite]") {
  hookd::testing::temp_dir dir;
  auto path = dir.file("garbage.db");
  write_file(path, std::string(8192, 'g'));
  CHECK_THROWS_WITH(open_sqlite_store(path),
                    Catch::Contains("not a database") && Catch::Contains(path));
}

TEST_CASE("opening a database from a newer hookd throws", "[store][errors][sqlite]") {
  store_fixture f;
  f.db.reset();
  set_user_version(f.path, 99);
  CHECK_THROWS_WITH(open_sqlite_store(f.path), Catch::Contains("schema version 99"));
}

TEST_CASE("reopening migrates nothing and keeps the data", "[store][errors]") {
  store_fixture f;
  insert(*f.db, "msg_1", at_ms(1), {"ep_a"});
  f.reopen();
  f.reopen();
  CHECK(f.db->find_message("msg_1"));
}

TEST_CASE("a version 1 database is migrated to version 2: the attempt log loses its "
          "per-endpoint index, the data stays",
          "[store][errors][sqlite]") {
  store_fixture f;
  insert(*f.db, "msg_1", at_ms(1), {"ep_a"});
  f.db.reset();
  auto query_int = [&](const char* sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(f.path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    const auto v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
  };
  constexpr auto index_count =
      "SELECT count(*) FROM sqlite_master WHERE name = 'attempts_by_endpoint'";
  // What version 1 left: the index, none of version 3's tables and columns, user_version 1.
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(f.path.c_str(), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "CREATE INDEX attempts_by_endpoint ON attempts (endpoint_id, at, outcome)",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  undo_version_3(f.path);
  set_user_version(f.path, 1);
  REQUIRE(query_int(index_count) == 1);

  f.reopen();
  CHECK(f.db->find_message("msg_1"));
  f.db.reset();
  CHECK(query_int(index_count) == 0);
  CHECK(query_int("PRAGMA user_version") == sqlite::schema_version);
}

TEST_CASE("a version 2 database is migrated to version 3: rows written before belong to no "
          "application, and applications work",
          "[store][errors][sqlite]") {
  store_fixture f;
  insert(*f.db, "msg_1", at_ms(1), {"ep_a"});
  f.db.reset();
  undo_version_3(f.path);
  set_user_version(f.path, 2);
  f.reopen();
  auto msg = f.db->find_message("msg_1");
  REQUIRE(msg);
  CHECK(msg->application_id.empty());
  auto ep = f.db->find_endpoint("ep_a");
  REQUIRE(ep);
  CHECK(ep->tenancy().application_id.empty());
  CHECK(ep->tenancy().headers.empty());
  CHECK(ep->tenancy().metadata == "{}");
  CHECK_FALSE(ep->tenancy_block); // an endpoint of no application carries no block
  application_record app;
  app.id = "app_1";
  app.name = "one";
  f.db->insert_application(app);
  CHECK(f.db->find_application("app_1"));
}

TEST_CASE("a version 3 database is migrated to version 4: messages written before come from no "
          "source, and sources work",
          "[store][errors][sqlite]") {
  store_fixture f;
  insert(*f.db, "msg_1", at_ms(1), {"ep_a"});
  f.db.reset();
  undo_version_4(f.path);
  set_user_version(f.path, 3);
  f.reopen();
  auto msg = f.db->find_message("msg_1");
  REQUIRE(msg);
  CHECK(msg->source_id.empty());
  source_record src;
  src.id = "src_1";
  src.name = "forms";
  src.kind = "typeform";
  src.secret = "typeform-secret";
  f.db->insert_source(src);
  CHECK(f.db->find_source("src_1"));
}

TEST_CASE("commit without begin throws, errors name the operation", "[store][errors]") {
  store_fixture f;
  CHECK_THROWS_WITH(f.db->commit(), Catch::StartsWith("commit:"));
  f.db->begin();
  CHECK_THROWS_WITH(f.db->begin(), Catch::StartsWith("begin:"));
  f.db->rollback();
}

TEST_CASE("opening a PostgreSQL database from a newer hookd throws", "[store][errors][postgres]") {
  store_fixture f;
  hookd::testing::run_sql(f.conninfo, "UPDATE hookd_schema SET version = 99");
  CHECK_THROWS_WITH(f.open_writer(), Catch::Contains("schema version 99"));
}

TEST_CASE("a PostgreSQL server that is not there: the error says where, never the password",
          "[store][errors][postgres]") {
  store_fixture f;
  // A port of the test server's host where nothing listens: the test server stopped.
  hookd::testing::postgres_server gone;
  auto conninfo = gone.conninfo() + " password=s3cret-value connect_timeout=2";
  gone.stop();
  try {
    open_postgres_store(conninfo);
    FAIL("opened a store on a stopped server");
  } catch (const error& e) {
    CHECK(e.what_kind() == error::kind::failure);
    CHECK_THAT(e.what(), Catch::Contains("127.0.0.1") &&
                             !Catch::Contains("s3cret-value"));
  }
}

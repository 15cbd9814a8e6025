#include "store/sqlite_connection.hpp"

#include "store/store.hpp"

#include <sqlite3.h>

namespace hookd::store::sqlite {
namespace {

std::string describe(std::string_view op, std::string_view what, int rc, const std::string& path) {
  std::string msg{op};
  msg += ": ";
  msg += what;
  msg += " (sqlite error ";
  msg += std::to_string(rc);
  msg += ", database ";
  msg += path;
  msg += ')';
  return msg;
}

} // namespace

connection::connection(const std::string& path) : path_(path) {
  // NOMUTEX: an instance is used by one thread at a time (store.hpp), so SQLite's per-call
  // mutex would be pure overhead on the hot path.
  constexpr int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string what = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    throw error(describe("open", what, rc, path_));
  }
}

connection::~connection() {
  // close_v2 rolls back an open transaction and defers the close until every statement of
  // this connection is finalized.
  sqlite3_close_v2(db_);
}

void connection::exec(const char* sql, std::string_view op) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK)
    fail(op, rc);
}

void connection::rollback_quietly() noexcept {
  if (in_transaction())
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

bool connection::in_transaction() const noexcept {
  return sqlite3_get_autocommit(db_) == 0;
}

std::int64_t connection::changes() const noexcept {
  return sqlite3_changes64(db_);
}

std::int64_t connection::total_changes() const noexcept {
  return sqlite3_total_changes64(db_);
}

std::int64_t connection::last_insert_rowid() const noexcept {
  return sqlite3_last_insert_rowid(db_);
}

void connection::fail(std::string_view op, int rc) const {
  const auto k = (rc & 0xff) == SQLITE_CONSTRAINT ? error::kind::conflict : error::kind::failure;
  throw error(describe(op, sqlite3_errmsg(db_), rc, path_), k);
}

} // namespace hookd::store::sqlite

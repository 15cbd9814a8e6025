#include "store/sqlite_wal_limit.hpp"

#include "store/sqlite_connection.hpp"

#include <sqlite3.h>

#include <algorithm>

namespace hookd::store::sqlite {

wal_limit::wal_limit(connection& db, int limit_frames)
    : db_(db), limit_(std::max(limit_frames, 1)), next_try_(limit_) {
  sqlite3_wal_hook(db_.get(), &wal_limit::after_commit, this);
}

wal_limit::~wal_limit() { sqlite3_wal_hook(db_.get(), nullptr, nullptr); }

int wal_limit::after_commit(void* self, sqlite3* db, const char* schema, int frames) {
  auto& limit = *static_cast<wal_limit*>(self);
  if (frames < limit.next_try_) {
    if (frames < limit.limit_) // the WAL started over since the last try
      limit.next_try_ = limit.limit_;
    return SQLITE_OK;
  }
  int in_wal = 0;
  int copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &in_wal, &copied);
  // Done: the next write transaction starts the WAL over. Otherwise (busy, a reader on old
  // frames, an I/O error the next commit will report) try again a little later. The commit
  // itself is durable either way, so nothing here fails it.
  limit.next_try_ = rc == SQLITE_OK && copied == in_wal ? limit.limit_ : frames + limit.limit_ / 4;
  return SQLITE_OK;
}

} // namespace hookd::store::sqlite

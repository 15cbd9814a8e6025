#pragma once
// Keeps the WAL of a writer whose checkpoints run on another thread (sqlite::checkpointer)
// from growing without bound.
//
// SQLite starts the WAL over from its first frame only at the first write transaction after a
// checkpoint has copied *every* frame. Under a writer that never pauses, the background
// PASSIVE checkpoint always trails the newest frames, so that moment never comes: the WAL grew
// to 600 MB for 90,000 messages in bench/scenarios/throughput, every frame was an append (the
// kernel zeroes and allocates each new block) and each read searched a larger WAL index.
//
// Installed as the writer connection's WAL hook (in place of SQLite's automatic checkpoint),
// it checkpoints the tail itself once a commit leaves `limit_frames` or more in the WAL: PASSIVE,
// after the commit is durable, and cheap because the background thread has already copied
// most frames. The next write transaction then starts the WAL over. When the checkpoint cannot
// finish (the background checkpoint holds the lock, or a reader still needs old frames), it
// tries again after another quarter of the limit.
struct sqlite3;

namespace hookd::store::sqlite {

class connection;

class wal_limit {
public:
  wal_limit(connection& db, int limit_frames);
  ~wal_limit(); ///< removes the hook
  wal_limit(const wal_limit&) = delete;
  wal_limit& operator=(const wal_limit&) = delete;

private:
  static int after_commit(void* self, sqlite3* db, const char* schema, int frames);

  connection& db_;
  int limit_;
  int next_try_; ///< frames at which the next tail checkpoint is tried
};

} // namespace hookd::store::sqlite

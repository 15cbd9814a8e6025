#pragma once
// The durability of a writer connection opened with deferred sync (sqlite_options::deferred_sync,
// store/durability.hpp): the connection runs with synchronous=NORMAL, so COMMIT writes the
// transaction's frames to the WAL file without fsync, and sync() fdatasyncs that file.
//
// Why this is as safe as synchronous=FULL once sync() has returned: a commit's frames (and the
// WAL header written when the log starts over) are all in the file before COMMIT returns, and
// fdatasync covers everything written to the file before it is called, from any descriptor.
// SQLite itself fsyncs the WAL before each checkpoint copies frames into the database file, and
// the database file after it, so frames that left the WAL are durable in the database file. The
// WAL only starts over after such a complete checkpoint.
//
// The file is opened once, by path, and the directory is fsynced once then so that the file's
// own name is durable too. When the path names another file than the one open (SQLite deletes
// the WAL when the last connection closes; a new one appears on the next open), it is opened
// again. sync() is called from one thread at a time.
#include "store/durability.hpp"

#include <string>
#include <sys/types.h>

namespace hookd::store::sqlite {

class wal_sync final : public durability {
public:
  /// `wal_path`: the WAL file of the database (sqlite3_filename_wal).
  explicit wal_sync(std::string wal_path);
  ~wal_sync() override;
  wal_sync(const wal_sync&) = delete;
  wal_sync& operator=(const wal_sync&) = delete;

  void sync() override;

private:
  void open_current();

  std::string path_;
  int fd_ = -1;
  ino_t inode_ = 0;
  dev_t device_ = 0;
};

} // namespace hookd::store::sqlite

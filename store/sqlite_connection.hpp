#pragma once
// One open SQLite connection (RAII). Every failure becomes a `store::error` whose message names
// the operation, SQLite's own explanation, the extended result code and the database file.
// A connection is used by one thread at a time (it is opened with SQLITE_OPEN_NOMUTEX).
#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;

namespace hookd::store::sqlite {

class connection {
public:
  /// Opens (creating when missing) the database file at `path`.
  explicit connection(const std::string& path);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  sqlite3* get() const noexcept { return db_; }
  const std::string& path() const noexcept { return path_; }

  /// Runs SQL without results (schema scripts, pragmas that return nothing).
  void exec(const char* sql, std::string_view op);

  /// Rolls back the open transaction, if any, ignoring errors (for cleanup paths).
  void rollback_quietly() noexcept;

  /// True while an explicit transaction is open.
  bool in_transaction() const noexcept;
  /// Rows changed by the last INSERT/UPDATE/DELETE.
  std::int64_t changes() const noexcept;
  /// Rows changed by every completed statement since the connection opened.
  std::int64_t total_changes() const noexcept;
  std::int64_t last_insert_rowid() const noexcept;

  /// Throws a `store::error` describing the connection's last failure, `rc`, during `op`.
  [[noreturn]] void fail(std::string_view op, int rc) const;

private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

} // namespace hookd::store::sqlite

#include "store/sqlite_store_connection.hpp"

#include "store/sqlite_schema.hpp"
#include "store/sqlite_statement.hpp"

#include <filesystem>
#include <system_error>

namespace hookd::store::sqlite {
namespace {

void enable_wal(connection& db) {
  statement s{db, "PRAGMA journal_mode = WAL"};
  query q{s, "open: enable WAL"};
  std::string mode = q.step() ? q.column_text() : "";
  if (mode != "wal" && !(mode == "memory" && db.path() == ":memory:"))
    throw error("open: cannot put " + db.path() + " in WAL mode (journal_mode is '" + mode + "')");
}

void apply_pragmas(connection& db, const sqlite_options& options) {
  // Set first: everything after may wait for a lock held by another connection.
  std::string busy = "PRAGMA busy_timeout = " + std::to_string(options.busy_timeout.count());
  db.exec(busy.c_str(), "open");
  enable_wal(db);
  // synchronous=FULL, not the NORMAL usually paired with WAL. With NORMAL, walFrames() in
  // SQLite's wal.c fsyncs the WAL only at checkpoints, so a power loss or kernel crash can
  // undo transactions whose COMMIT has already returned, and hookd answers 202 (and marks
  // deliveries done) on the strength of that return (docs/behaviour.md). FULL fsyncs the WAL at every
  // commit; group commit amortizes the ~140 µs (docs/benchmarks.md, "The building blocks").
  // https://www.sqlite.org/pragma.html#pragma_synchronous
  db.exec("PRAGMA synchronous = FULL", "open");
  db.exec("PRAGMA foreign_keys = ON", "open");
  // A checkpoint resets the WAL but keeps the file at its largest size unless told otherwise.
  db.exec("PRAGMA journal_size_limit = 67108864", "open");
  std::string cache = "PRAGMA cache_size = -" + std::to_string(options.cache_size_kib);
  db.exec(cache.c_str(), "open");
}

} // namespace

void create_parent_directories(const std::string& path) {
  auto parent = std::filesystem::path{path}.parent_path();
  if (path == ":memory:" || parent.empty())
    return;
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec)
    throw error("open: cannot create directory " + parent.string() + " for database " + path +
                ": " + ec.message());
}

store_connection::store_connection(const std::string& path, const sqlite_options& options)
    : connection(path) {
  apply_pragmas(*this, options);
  sqlite::migrate(*this);
  if (options.read_only)
    exec("PRAGMA query_only = ON", "open");
}

} // namespace hookd::store::sqlite

#include "store/sqlite_store_impl.hpp"

#include <sqlite3.h>

namespace hookd::store {

using sqlite::query;

sqlite_store::sqlite_store(const std::string& path, const sqlite_options& options)
    : lock_(options.process_lock && path != ":memory:"
                ? std::make_unique<sqlite::process_lock>(path)
                : nullptr),
      db_(path, options), read_only_(options.read_only), sql_(db_, options.read_only) {
  if (options.background_checkpoint.count() > 0 && !options.read_only) {
    db_.exec("PRAGMA wal_autocheckpoint = 0", "open");
    wal_limit_ = std::make_unique<sqlite::wal_limit>(db_, options.wal_limit_frames);
    checkpointer_ = std::make_unique<sqlite::checkpointer>(path, options.background_checkpoint);
  }
}

sqlite_store::~sqlite_store() { rollback_quietly(); }

// -- transactions ---------------------------------------------------------------------------------

void sqlite_store::begin() {
  query{sql_.begin, "begin"}.run();
  explicit_transaction_ = true;
  broken_because_.clear();
  totals_delta_.clear();
}

void sqlite_store::commit() {
  try {
    if (!db_.in_transaction())
      throw error("commit: no transaction is open (begin() was not called, or SQLite rolled "
                  "it back after an earlier failure; database " +
                  db_.path() + ")");
    check_usable("commit");
    flush_totals("commit");
    query{sql_.commit, "commit"}.run();
  } catch (...) {
    rollback_quietly(); // a failed commit leaves nothing open behind it
    throw;
  }
  explicit_transaction_ = false;
}

void sqlite_store::rollback() {
  explicit_transaction_ = false;
  broken_because_.clear();
  totals_delta_.clear();
  if (db_.in_transaction())
    query{sql_.rollback, "rollback"}.run();
}

void sqlite_store::rollback_quietly() noexcept {
  explicit_transaction_ = false;
  broken_because_.clear();
  totals_delta_.clear();
  db_.rollback_quietly();
}

void sqlite_store::release_memory() {
  if (!db_.in_transaction())
    sqlite3_db_release_memory(db_.get()); // unpinned pages only: nothing in use is touched
}

// -- transaction rules ----------------------------------------------------------------------------

void sqlite_store::check_writable(std::string_view op) const {
  if (read_only_)
    throw error(std::string{op} + ": this store instance is read-only (database " + db_.path() +
                ")");
  check_usable(op);
}

void sqlite_store::check_usable(std::string_view op) const {
  if (explicit_transaction_ && !db_.in_transaction())
    throw error(std::string{op} +
                ": SQLite rolled back the transaction after an earlier "
                "failure; call rollback() and start again (database " +
                db_.path() + ")");
  if (!broken_because_.empty())
    throw error(std::string{op} + ": an earlier write failed after writing part of its rows (" +
                broken_because_ + "); call rollback() and start again");
}

void sqlite_store::flush_totals(std::string_view op) {
  for (const auto& [endpoint_id, n] : totals_delta_) {
    if (n == 0)
      continue;
    query q{sql_.add_delivery_totals, op};
    q.bind_text(endpoint_id).bind_int(n);
    q.run();
  }
  totals_delta_.clear();
}

std::int64_t sqlite_store::unflushed_total(const std::string& endpoint_id) const {
  auto it = totals_delta_.find(endpoint_id);
  return it == totals_delta_.end() ? 0 : it->second;
}

std::unique_ptr<store> open_sqlite_store(const std::string& path, const sqlite_options& options) {
  sqlite::create_parent_directories(path);
  return std::make_unique<sqlite_store>(path, options);
}

} // namespace hookd::store

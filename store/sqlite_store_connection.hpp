#pragma once
// Opening the connection of one sqlite_store instance: the database file's parent directories,
// hookd's pragmas (WAL, synchronous=FULL, foreign keys, busy timeout, cache size) and the
// schema brought up to date (sqlite_schema.hpp). A reader's connection refuses writes
// (query_only).
#include "store/sqlite_connection.hpp"
#include "store/sqlite_store.hpp"

#include <string>

namespace hookd::store::sqlite {

/// Creates the directories `path` lives in when missing; throws store::error when it cannot.
void create_parent_directories(const std::string& path);

/// A connection with hookd's pragmas applied and the schema brought up to date.
class store_connection : public connection {
public:
  store_connection(const std::string& path, const sqlite_options& options);
};

} // namespace hookd::store::sqlite

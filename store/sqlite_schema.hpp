#pragma once
// The SQLite layout and its migrations. `migrate` brings a database of any older version
// (a new empty file is version 0) to `schema_version` in one transaction, and refuses a file
// written by a newer hookd or by another application. Safe to call from several connections
// at once: the version is re-read under the write lock.
#include "store/sqlite_connection.hpp"

#include <cstdint>

namespace hookd::store::sqlite {

/// PRAGMA user_version of the layout this build writes.
inline constexpr std::int64_t schema_version = 4;

/// PRAGMA application_id marking a hookd database ("hook" in ASCII).
inline constexpr std::int64_t application_id = 0x686f6f6b;

void migrate(connection& db);

} // namespace hookd::store::sqlite

#pragma once
// The PostgreSQL layout (pg_schema.cpp has each table and why) and its migrations.
#include <cstdint>

namespace hookd::store::pg {

class connection;

/// The layout version this hookd writes.
inline constexpr std::int64_t schema_version = 5;

/// Creates or upgrades the layout under a session advisory lock, so that several hookd nodes
/// starting at once against an empty database migrate it once and all come up. Throws
/// store::error when the database's layout is newer than this hookd.
void migrate(connection& db);

} // namespace hookd::store::pg

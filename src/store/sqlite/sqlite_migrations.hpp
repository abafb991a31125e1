#pragma once
// The SQLite schema as an ordered list of migrations, tracked in PRAGMA user_version.

#include "store/sqlite/sqlite_connection.hpp"

namespace parley::store {

// Applies every migration newer than the database's user_version, each in its own transaction.
// Throws std::runtime_error when the database is newer than this binary knows.
void apply_sqlite_migrations(SqliteConnection& connection);

// The user_version this binary migrates to.
int sqlite_schema_version() noexcept;

// The database's user_version: the migrations applied to it so far.
int sqlite_database_version(SqliteConnection& connection);

}  // namespace parley::store

#pragma once
// The PostgreSQL schema as numbered migrations, recorded in table schema_version.

#include "store/postgres/postgres_connection.hpp"

namespace parley::store {

// The schema version this binary writes.
int postgres_schema_version() noexcept;

// The migrations applied to the database so far (0 for an empty one). Changes nothing.
int postgres_database_version(PostgresConnection& connection);

// Applies the missing migrations in one transaction under an advisory lock, so that several
// servers starting at once migrate exactly once. Throws std::runtime_error when the database
// is newer than this binary.
void apply_postgres_migrations(PostgresConnection& connection);

}  // namespace parley::store

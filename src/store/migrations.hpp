#pragma once
// How both backends migrate their schema: an ordered list of SQL scripts, script i taking the
// database from version i to version i + 1. Never edit a released migration: append a new one.

#include <functional>
#include <span>

namespace parley::store {

using Migrations = std::span<const char* const>;

// Reads the database's version, then runs apply(next, migrations[next]) for every newer
// migration in order; `apply` runs the script and records version next + 1. Throws
// std::runtime_error, before applying anything, when the database is newer than this binary.
void apply_migrations(Migrations migrations, const std::function<int()>& read_version,
                      const std::function<void(int next, const char* sql)>& apply);

}  // namespace parley::store

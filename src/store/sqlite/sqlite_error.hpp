#pragma once
// Maps SQLite result codes to exceptions: environmental failures become StoreUnavailable.

#include <sqlite3.h>

#include <string_view>

namespace parley::store {

// Throws StoreUnavailable for busy/locked/IO/full/corrupt and similar conditions of the database
// itself, std::runtime_error for anything else (a bug: bad SQL, misuse). `db` may be null.
[[noreturn]] void throw_sqlite_error(sqlite3* db, int code, std::string_view what);

}  // namespace parley::store

#include "store/sqlite/sqlite_connection.hpp"

#include <string>

#include "store/sqlite/sqlite_error.hpp"

namespace parley::store {

SqliteConnection::SqliteConnection(const std::string& path, bool create, int busy_timeout_ms) {
  // NOMUTEX: the store serialises access to each connection itself.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  try {
    if (rc != SQLITE_OK) throw_sqlite_error(db_, rc, "open " + path);
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    exec("PRAGMA foreign_keys = ON");
  } catch (...) {
    sqlite3_close(db_);  // the destructor does not run for a throwing constructor
    throw;
  }
}

SqliteConnection::~SqliteConnection() {
  statements_.clear();  // statements must be finalised before the handle closes
  sqlite3_close(db_);
}

void SqliteConnection::exec(const char* sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  sqlite3_free(error);
  if (rc != SQLITE_OK) throw_sqlite_error(db_, rc, sql);
}

SqliteStatement SqliteConnection::statement(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      throw_sqlite_error(db_, rc, sql);
    }
    it = statements_.emplace(std::string(sql), stmt).first;
  }
  return SqliteStatement(db_, it->second.get());
}

}  // namespace parley::store

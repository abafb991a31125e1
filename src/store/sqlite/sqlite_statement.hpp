#pragma once
// A checked-out prepared statement of a SqliteConnection's cache: bind, step, read columns; it is
// reset (bindings cleared) when it goes out of scope, so no read snapshot outlives its use.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::store {

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) noexcept : db_(db), stmt_(stmt) {}
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Parameters are 1-based, as in SQLite. Text is copied (SQLITE_TRANSIENT) only when asked for
  // by SQLite; views must stay valid until the statement is stepped.
  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind(int index, std::string_view value);
  SqliteStatement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  SqliteStatement& bind(int index, const std::optional<std::string>& value);
  SqliteStatement& bind_null(int index);

  // true while a row is available; false when done. Throws on errors.
  bool step();
  // Steps a statement that returns no rows.
  void run();

  std::int64_t int64(int column) const noexcept { return sqlite3_column_int64(stmt_, column); }
  bool boolean(int column) const noexcept { return sqlite3_column_int64(stmt_, column) != 0; }
  bool is_null(int column) const noexcept {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace parley::store

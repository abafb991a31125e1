#pragma once
// One open SQLite database handle with its cache of prepared statements. Not thread-safe: used by
// one thread at a time (the store's write mutex or a read-pool lease guarantees that).

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/sqlite/sqlite_statement.hpp"

namespace parley::store {

class SqliteConnection {
 public:
  // Opens (creating it when `create`) the database and sets foreign_keys and busy_timeout.
  SqliteConnection(const std::string& path, bool create, int busy_timeout_ms);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Runs one or more statements without results (DDL, PRAGMA, BEGIN/COMMIT).
  void exec(const char* sql);

  // The cached prepared form of `sql`, prepared on first use.
  SqliteStatement statement(std::string_view sql);

  std::int64_t changes() const noexcept { return sqlite3_changes64(db_); }
  std::int64_t last_insert_rowid() const noexcept { return sqlite3_last_insert_rowid(db_); }
  sqlite3* handle() const noexcept { return db_; }

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, Finalize>, StringHash,
                     std::equal_to<>>
      statements_;
};

}  // namespace parley::store

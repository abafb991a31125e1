#pragma once
// A write transaction (BEGIN IMMEDIATE) on a SqliteConnection, rolled back unless committed.

#include "store/sqlite/sqlite_connection.hpp"

namespace parley::store {

class SqliteTransaction {
 public:
  // IMMEDIATE takes the write lock up front, so a busy database fails here (after busy_timeout)
  // rather than half-way through the work.
  explicit SqliteTransaction(SqliteConnection& connection) : connection_(connection) {
    connection_.exec("BEGIN IMMEDIATE");
  }
  ~SqliteTransaction() {
    if (open_) sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  void commit() {
    connection_.exec("COMMIT");
    open_ = false;
  }

 private:
  SqliteConnection& connection_;
  bool open_ = true;
};

}  // namespace parley::store

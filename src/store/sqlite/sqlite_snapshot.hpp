#pragma once
// A read transaction (deferred BEGIN) on a SqliteConnection: in WAL mode every statement inside it
// reads the one snapshot taken by its first read, while writers go on.

#include "store/sqlite/sqlite_connection.hpp"

namespace parley::store {

class SqliteSnapshot {
 public:
  explicit SqliteSnapshot(SqliteConnection& connection) : connection_(connection) {
    connection_.exec("BEGIN");
  }
  ~SqliteSnapshot() { sqlite3_exec(connection_.handle(), "COMMIT", nullptr, nullptr, nullptr); }
  SqliteSnapshot(const SqliteSnapshot&) = delete;
  SqliteSnapshot& operator=(const SqliteSnapshot&) = delete;

 private:
  SqliteConnection& connection_;
};

}  // namespace parley::store

#pragma once
// The pool of read-only SQLite connections, so that reads run in parallel with each other and
// with the writer (WAL snapshots).

#include <cstddef>
#include <memory>
#include <string>

#include "store/connection_pool.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace parley::store {

class SqliteReadPool : public ConnectionPool<SqliteConnection> {
 public:
  SqliteReadPool(std::string path, std::size_t max_connections, int busy_timeout_ms)
      : ConnectionPool(
            max_connections,
            [path = std::move(path), busy_timeout_ms] {
              auto connection = std::make_unique<SqliteConnection>(path, false, busy_timeout_ms);
              connection->exec("PRAGMA query_only = ON");
              return connection;
            },
            [](SqliteConnection&) { return true; }) {}
};

}  // namespace parley::store

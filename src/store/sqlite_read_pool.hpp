#pragma once
// A small pool of read-only SQLite connections, opened lazily and checked out per call, so that
// reads run in parallel with each other and with the writer (WAL snapshots).

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite_connection.hpp"

namespace parley::store {

class SqliteReadPool {
 public:
  // A checked-out connection, returned to the pool when it goes out of scope.
  class Lease {
   public:
    Lease(SqliteReadPool& pool, std::unique_ptr<SqliteConnection> connection) noexcept
        : pool_(pool), connection_(std::move(connection)) {}
    ~Lease() { pool_.release(std::move(connection_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    SqliteConnection& operator*() const noexcept { return *connection_; }
    SqliteConnection* operator->() const noexcept { return connection_.get(); }

   private:
    SqliteReadPool& pool_;
    std::unique_ptr<SqliteConnection> connection_;
  };

  SqliteReadPool(std::string path, std::size_t max_connections, int busy_timeout_ms);

  // Waits while every connection is checked out and the pool is at its size.
  Lease acquire();

 private:
  void release(std::unique_ptr<SqliteConnection> connection) noexcept;

  std::string path_;
  std::size_t max_connections_;
  int busy_timeout_ms_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
  std::size_t open_ = 0;
};

}  // namespace parley::store

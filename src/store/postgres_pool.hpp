#pragma once
// A small pool of PostgreSQL connections, opened lazily and checked out per call; a caller waits
// while all are busy. A connection that was lost (or left inside a transaction) is dropped on
// return, so the next call reconnects.

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres_connection.hpp"

namespace parley::store {

class PostgresPool {
 public:
  // A checked-out connection, returned to the pool when it goes out of scope.
  class Lease {
   public:
    Lease(PostgresPool& pool, std::unique_ptr<PostgresConnection> connection) noexcept
        : pool_(pool), connection_(std::move(connection)) {}
    ~Lease() { pool_.release(std::move(connection_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    PostgresConnection& operator*() const noexcept { return *connection_; }
    PostgresConnection* operator->() const noexcept { return connection_.get(); }

   private:
    PostgresPool& pool_;
    std::unique_ptr<PostgresConnection> connection_;
  };

  PostgresPool(std::string url, std::size_t max_connections);

  // Waits while every connection is checked out and the pool is at its size. Throws
  // StoreUnavailable when a new connection cannot be opened.
  Lease acquire();

 private:
  void release(std::unique_ptr<PostgresConnection> connection) noexcept;

  std::string url_;
  std::size_t max_connections_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_;
  std::size_t open_ = 0;
};

}  // namespace parley::store

#pragma once
// A small pool of database connections, opened lazily and checked out per call; a caller waits
// while all are busy. A connection the `reusable` check rejects is closed on return, so the next
// call opens a fresh one.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace parley::store {

template <typename Connection>
class ConnectionPool {
 public:
  using Open = std::function<std::unique_ptr<Connection>()>;
  using Reusable = std::function<bool(Connection&)>;

  // A checked-out connection, returned to the pool when it goes out of scope.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection) noexcept
        : pool_(pool), connection_(std::move(connection)) {}
    ~Lease() { pool_.release(std::move(connection_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& operator*() const noexcept { return *connection_; }
    Connection* operator->() const noexcept { return connection_.get(); }

   private:
    ConnectionPool& pool_;
    std::unique_ptr<Connection> connection_;
  };

  ConnectionPool(std::size_t max_connections, Open open, Reusable reusable)
      : max_connections_(max_connections == 0 ? 1 : max_connections),
        open_connection_(std::move(open)),
        reusable_(std::move(reusable)) {
    idle_.reserve(max_connections_);  // release() is noexcept: it never allocates
  }

  // Waits while every connection is checked out and the pool is at its size. Whatever opening a
  // new connection throws (StoreUnavailable) reaches the caller.
  Lease acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty() || open_ < max_connections_; });
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
    ++open_;
    lock.unlock();
    try {
      return Lease(*this, open_connection_());
    } catch (...) {
      lock.lock();
      --open_;
      available_.notify_one();
      throw;
    }
  }

 private:
  void release(std::unique_ptr<Connection> connection) noexcept {
    if (!connection) return;
    bool keep = reusable_(*connection);
    if (!keep) connection.reset();  // closes it outside the lock
    {
      std::lock_guard lock(mutex_);
      if (keep)
        idle_.push_back(std::move(connection));
      else
        --open_;
    }
    available_.notify_one();
  }

  std::size_t max_connections_;
  Open open_connection_;
  Reusable reusable_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;
};

}  // namespace parley::store

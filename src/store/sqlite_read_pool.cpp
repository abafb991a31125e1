#include "store/sqlite_read_pool.hpp"

namespace parley::store {

SqliteReadPool::SqliteReadPool(std::string path, std::size_t max_connections, int busy_timeout_ms)
    : path_(std::move(path)),
      max_connections_(max_connections == 0 ? 1 : max_connections),
      busy_timeout_ms_(busy_timeout_ms) {
  idle_.reserve(max_connections_);  // release() is noexcept: it never allocates
}

SqliteReadPool::Lease SqliteReadPool::acquire() {
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
    auto connection = std::make_unique<SqliteConnection>(path_, false, busy_timeout_ms_);
    connection->exec("PRAGMA query_only = ON");
    return Lease(*this, std::move(connection));
  } catch (...) {
    lock.lock();
    --open_;
    available_.notify_one();
    throw;
  }
}

void SqliteReadPool::release(std::unique_ptr<SqliteConnection> connection) noexcept {
  if (!connection) return;
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  available_.notify_one();
}

}  // namespace parley::store

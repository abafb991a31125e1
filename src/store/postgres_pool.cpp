#include "store/postgres_pool.hpp"

namespace parley::store {

PostgresPool::PostgresPool(std::string url, std::size_t max_connections)
    : url_(std::move(url)), max_connections_(max_connections == 0 ? 1 : max_connections) {
  idle_.reserve(max_connections_);  // release() is noexcept: it never allocates
}

PostgresPool::Lease PostgresPool::acquire() {
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
    return Lease(*this, std::make_unique<PostgresConnection>(url_));
  } catch (...) {
    lock.lock();
    --open_;
    available_.notify_one();
    throw;
  }
}

void PostgresPool::release(std::unique_ptr<PostgresConnection> connection) noexcept {
  if (!connection) return;
  bool keep = connection->reusable();
  if (!keep) connection.reset();  // closes it outside the lock
  {
    std::lock_guard lock(mutex_);
    if (keep) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  available_.notify_one();
}

}  // namespace parley::store

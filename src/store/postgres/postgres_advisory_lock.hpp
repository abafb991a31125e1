#pragma once
// A DatabaseLock as a PostgreSQL session-level advisory lock, on a connection of its own, so that
// it stays held while other connections run and commit their transactions.

#include <cstdint>
#include <memory>
#include <string>

#include "store/database_lock.hpp"
#include "store/postgres/postgres_connection.hpp"

namespace parley::store {

class PostgresAdvisoryLock : public DatabaseLock {
 public:
  // `url`: a libpq URI; connects on the first acquire(). Every server that locks `key` on the same
  // database contends for one lock.
  PostgresAdvisoryLock(std::string url, std::int64_t key);
  ~PostgresAdvisoryLock() override;  // closing the connection lets go of a lock still held
  PostgresAdvisoryLock(const PostgresAdvisoryLock&) = delete;
  PostgresAdvisoryLock& operator=(const PostgresAdvisoryLock&) = delete;

  // A failure drops the connection; the next call connects again.
  void acquire() override;
  // When unlocking fails the connection is closed, which lets go of the lock on the server.
  void release() noexcept override;

  // The message position sequence's current value (0 before its first use), on the lock's
  // connection (connecting if need be). While the lock is held, every position up to it is
  // committed. Throws StoreUnavailable.
  std::int64_t message_position_high_water();

 private:
  std::string url_;
  std::string lock_sql_;
  std::string unlock_sql_;
  std::unique_ptr<PostgresConnection> connection_;
  bool held_ = false;
};

}  // namespace parley::store

#include "store/postgres/postgres_advisory_lock.hpp"

#include <utility>

namespace parley::store {

namespace {

// Appended, not "literal" + std::string: dodges GCC 12's false -Wrestrict on operator+.
std::string call(const char* function, std::int64_t key) {
  std::string sql = "SELECT ";
  sql += function;
  sql += '(';
  sql += std::to_string(key);
  sql += ')';
  return sql;
}

}  // namespace

PostgresAdvisoryLock::PostgresAdvisoryLock(std::string url, std::int64_t key)
    : url_(std::move(url)),
      lock_sql_(call("pg_advisory_lock", key)),
      unlock_sql_(call("pg_advisory_unlock", key)) {}

PostgresAdvisoryLock::~PostgresAdvisoryLock() = default;

void PostgresAdvisoryLock::acquire() {
  if (held_) return;
  try {
    if (!connection_ || connection_->broken())
      connection_ = std::make_unique<PostgresConnection>(url_);
    connection_->exec(lock_sql_.c_str());
    held_ = true;
  } catch (...) {
    connection_.reset();
    throw;
  }
}

std::int64_t PostgresAdvisoryLock::message_position_high_water() {
  try {
    if (!connection_ || connection_->broken())
      connection_ = std::make_unique<PostgresConnection>(url_);
    return connection_
        ->query(
            "SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence('messages', "
            "'id')::regclass), 0)")
        .int64(0, 0);
  } catch (...) {
    // A lock whose connection failed may be gone: the batch fails, the next one reconnects.
    held_ = false;
    connection_.reset();
    throw;
  }
}

void PostgresAdvisoryLock::release() noexcept {
  if (!held_) return;
  held_ = false;
  try {
    connection_->exec(unlock_sql_.c_str());
  } catch (...) {
    connection_.reset();
  }
}

}  // namespace parley::store

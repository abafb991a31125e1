#pragma once
// An open transaction on one PostgreSQL connection: rolled back on scope exit unless committed.

#include "store/postgres/postgres_connection.hpp"

namespace parley::store {

class PostgresTransaction {
 public:
  // `begin`: the statement that opens it (e.g. with an isolation level).
  explicit PostgresTransaction(PostgresConnection& connection, const char* begin = "BEGIN")
      : connection_(connection) {
    connection_.exec(begin);
  }
  ~PostgresTransaction() {
    if (done_) return;
    try {
      connection_.exec("ROLLBACK");
    } catch (...) {
      // State unknown: the pool must not hand this connection out again.
      connection_.mark_broken();
    }
  }
  PostgresTransaction(const PostgresTransaction&) = delete;
  PostgresTransaction& operator=(const PostgresTransaction&) = delete;

  void commit() {
    done_ = true;  // whatever COMMIT does, a ROLLBACK afterwards would be meaningless
    connection_.exec("COMMIT");
  }

 private:
  PostgresConnection& connection_;
  bool done_ = false;
};

}  // namespace parley::store

#pragma once
// One libpq connection with its prepared statements. Not thread-safe: used by one thread at a
// time (a pool lease guarantees that). Once the connection is lost it stays broken; the pool
// then drops it and opens a new one.

#include <libpq-fe.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/postgres/postgres_param.hpp"
#include "store/postgres/postgres_result.hpp"

namespace parley::store {

class PostgresConnection {
 public:
  // Connects to `url` (a libpq URI). Throws StoreUnavailable when the server cannot be reached.
  explicit PostgresConnection(const std::string& url);
  ~PostgresConnection();
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  // Runs SQL without parameters: BEGIN/COMMIT, or a script of several DDL statements.
  void exec(const char* sql);

  // Runs `sql` as a statement prepared on this connection at first use, with text parameters.
  // Throws StoreUnavailable when the server is gone or overloaded, PostgresError otherwise.
  PostgresResult query(std::string_view sql, std::initializer_list<PostgresParam> params = {});

  // Runs `sql` once per parameter row, pipelined (libpq pipeline mode): one round trip per chunk
  // of rows instead of one per row. Results in row order. Any failure leaves the connection
  // broken (results of the rest of the pipeline are pending), so the pool drops it.
  std::vector<PostgresResult> query_pipelined(std::string_view sql,
                                              const std::vector<std::vector<PostgresParam>>& rows);

  // Lost, or left in an unknown state: must not be reused.
  bool broken() const noexcept { return broken_ || PQstatus(conn_) != CONNECTION_OK; }
  void mark_broken() noexcept { broken_ = true; }
  // Connected with no transaction open: safe to hand to the next caller.
  bool reusable() const noexcept { return !broken() && PQtransactionStatus(conn_) == PQTRANS_IDLE; }

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  // Throws for a failed result; returns the others.
  PostgresResult check(PGresult* result, std::string_view what);
  const std::string& prepared(std::string_view sql, int params);

  PGconn* conn_ = nullptr;
  bool broken_ = false;
  // SQL text -> name of its prepared statement on this connection.
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> statements_;
};

}  // namespace parley::store

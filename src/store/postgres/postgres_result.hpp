#pragma once
// The rows one PostgreSQL statement returned (text format), owning the libpq result.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace parley::store {

class PostgresResult {
 public:
  explicit PostgresResult(PGresult* result) noexcept : result_(result) {}

  int rows() const noexcept { return PQntuples(result_.get()); }
  bool empty() const noexcept { return rows() == 0; }
  // Rows affected by INSERT/UPDATE/DELETE.
  std::int64_t affected() const;

  bool is_null(int row, int column) const noexcept {
    return PQgetisnull(result_.get(), row, column) != 0;
  }
  std::string text(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const;
  std::int64_t int64(int row, int column) const;
  bool boolean(int row, int column) const;

 private:
  struct Clear {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
  };
  std::unique_ptr<PGresult, Clear> result_;
};

}  // namespace parley::store

#pragma once
// One row of a PostgresResult, read by column: what the shared row mappers (row_mappers.hpp) read.

#include <cstdint>
#include <optional>
#include <string>

#include "store/postgres/postgres_result.hpp"

namespace parley::store {

class PostgresRow {
 public:
  PostgresRow(const PostgresResult& result, int row) noexcept : result_(result), row_(row) {}

  std::int64_t int64(int column) const { return result_.int64(row_, column); }
  bool boolean(int column) const { return result_.boolean(row_, column); }
  bool is_null(int column) const { return result_.is_null(row_, column); }
  std::string text(int column) const { return result_.text(row_, column); }
  std::optional<std::string> optional_text(int column) const {
    return result_.optional_text(row_, column);
  }

 private:
  const PostgresResult& result_;
  int row_;
};

}  // namespace parley::store

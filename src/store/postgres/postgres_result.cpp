#include "store/postgres/postgres_result.hpp"

#include <charconv>
#include <cstring>
#include <stdexcept>

namespace parley::store {

namespace {

std::int64_t parse_int64(const char* text, std::size_t length) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text, text + length, value);
  if (error != std::errc() || end != text + length) {
    throw std::runtime_error("postgres: expected an integer, got '" + std::string(text, length) +
                             "'");
  }
  return value;
}

}  // namespace

std::int64_t PostgresResult::affected() const {
  const char* tuples = PQcmdTuples(result_.get());
  return *tuples == '\0' ? 0 : parse_int64(tuples, std::strlen(tuples));
}

std::string PostgresResult::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::optional<std::string> PostgresResult::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

std::int64_t PostgresResult::int64(int row, int column) const {
  if (is_null(row, column)) return 0;
  return parse_int64(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

bool PostgresResult::boolean(int row, int column) const {
  // Text format renders booleans as "t" / "f".
  return !is_null(row, column) && PQgetvalue(result_.get(), row, column)[0] == 't';
}

}  // namespace parley::store

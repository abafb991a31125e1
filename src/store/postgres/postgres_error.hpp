#pragma once
// A statement PostgreSQL rejected for a reason other than availability (constraint, bad SQL),
// with its SQLSTATE so that callers can tell an expected conflict from a bug.

#include <stdexcept>
#include <string>

namespace parley::store {

class PostgresError : public std::runtime_error {
 public:
  PostgresError(std::string sqlstate, const std::string& message)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}

  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sqlstate_;
};

}  // namespace parley::store

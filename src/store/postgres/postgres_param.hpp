#pragma once
// One text-format parameter of a PostgreSQL statement: a value's text form, or SQL NULL. Values
// always travel as parameters, never spliced into SQL text.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::store {

class PostgresParam {
 public:
  PostgresParam(std::int64_t value) : value_(std::to_string(value)) {}
  PostgresParam(std::string_view value) : value_(std::string(value)) {}
  PostgresParam(const char* value) : value_(std::string(value)) {}
  PostgresParam(const std::string& value) : value_(value) {}
  PostgresParam(const std::optional<std::string>& value) : value_(value) {}
  PostgresParam(std::nullopt_t) {}

  // A boolean in the text form PostgreSQL parses.
  static PostgresParam boolean(bool value) { return PostgresParam(value ? "true" : "false"); }

  // Null-terminated text, or nullptr for NULL (what PQexecPrepared expects).
  const char* c_str() const noexcept { return value_ ? value_->c_str() : nullptr; }

 private:
  std::optional<std::string> value_;
};

}  // namespace parley::store

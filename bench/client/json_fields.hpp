#pragma once
// The top-level members of one server frame that the bench looks at, read in a single pass
// without building a DOM: at a million deliveries a second a JSON parser would cost more than
// the server's own work.

#include <cstdint>
#include <optional>
#include <string_view>

namespace parley::bench {

struct JsonFields {
  std::string_view type;  // unescaped only when the source had no escapes (all we need)
  std::string_view body;
  std::string_view client_id;
  std::string_view code;
  std::string_view ref;
  std::string_view data;      // raw JSON text of the value
  std::string_view room_raw;  // raw JSON text: a number, or an object in `joined`
  std::optional<std::int64_t> id;
  std::optional<std::int64_t> rev;
  std::optional<std::int64_t> delivered;

  // Fills the fields from a JSON object's text; false when the text is not a well-formed object
  // at the top level (nested values are skipped by bracket matching, strings honour escapes).
  bool parse(std::string_view text) noexcept;
};

// Parses a decimal integer (optionally negative) from the front of `text`.
std::optional<std::int64_t> parse_int(std::string_view text) noexcept;

}  // namespace parley::bench

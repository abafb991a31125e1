#pragma once
// Query-string access: percent-decoded values by name.

#include <optional>
#include <string>
#include <string_view>

namespace parley::http {

// Value of the first `name=` parameter, percent-decoded ('+' as space); nullopt when absent.
// An invalid escape yields nullopt as well.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

// `plus_as_space`: a query string's '+' is a space; in a path segment it is a '+'.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space = true);

}  // namespace parley::http

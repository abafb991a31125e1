#pragma once
// JSON string escaping for text written without a JSON DOM: log lines and the frames and pages
// encoded straight from stored records.

#include <string>
#include <string_view>

namespace parley {

// Appends `s` to `out` as the inside of a JSON string (no surrounding quotes): `"` and `\`
// escaped, control characters as \n, \r, \t or \u00XX, everything else (UTF-8 too) as it is.
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace parley

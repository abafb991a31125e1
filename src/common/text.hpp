#pragma once
// Unicode-aware text helpers shared by the stores.

#include <string>
#include <string_view>

namespace parley {

// Simple case folding of UTF-8 text (each code point lowered with the C.UTF-8 locale), the key
// under which names are unique "case-insensitively": "Café" and "CAFÉ" fold to the same key.
// Bytes that are not valid UTF-8 are kept as they are.
std::string fold_case(std::string_view utf8);

}  // namespace parley

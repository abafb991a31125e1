#pragma once
// Unicode-aware text helpers shared by the stores.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace parley {

// Simple case folding of UTF-8 text (each code point lowered with the C.UTF-8 locale), the key
// under which names are unique "case-insensitively": "Café" and "CAFÉ" fold to the same key.
// Bytes that are not valid UTF-8 are kept as they are.
std::string fold_case(std::string_view utf8);

// The words of UTF-8 text as search sees them: maximal runs of Unicode letters and digits
// (combining marks stay with their letter), each case-folded, in order. Invalid bytes separate
// words like punctuation does.
std::vector<std::string> text_words(std::string_view utf8);

// The number of code points of UTF-8 text, or -1 when it is not valid UTF-8.
std::ptrdiff_t utf8_length(std::string_view utf8);

}  // namespace parley

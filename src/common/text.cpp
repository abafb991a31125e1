#include "common/text.hpp"

#include <locale.h>
#include <wctype.h>

namespace parley {
namespace {

locale_t utf8_locale() {
  static const locale_t locale = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
    return l;
  }();
  return locale;
}

// Decodes one code point at s[i]; returns its length, or 0 when the bytes are not valid UTF-8.
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  std::size_t len = b0 < 0x80           ? 1
                    : (b0 >> 5) == 0x6  ? 2
                    : (b0 >> 4) == 0xE  ? 3
                    : (b0 >> 3) == 0x1E ? 4
                                        : 0;
  if (len == 0 || i + len > s.size()) return 0;
  cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  return len;
}

void encode(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Combining marks (the main blocks): part of the word they follow, as in decomposed "cafe\u0301".
bool is_combining_mark(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
         (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
         (cp >= 0xFE20 && cp <= 0xFE2F);
}

bool is_word_char(char32_t cp, locale_t locale) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  }
  if (is_combining_mark(cp)) return true;
  return locale != nullptr && iswalnum_l(static_cast<wint_t>(cp), locale) != 0;
}

}  // namespace

std::vector<std::string> text_words(std::string_view utf8) {
  std::vector<std::string> words;
  locale_t locale = utf8_locale();
  std::size_t start = 0;
  bool in_word = false;
  auto finish = [&](std::size_t end) {
    if (in_word) words.push_back(fold_case(utf8.substr(start, end - start)));
    in_word = false;
  };
  for (std::size_t i = 0; i < utf8.size();) {
    char32_t cp = 0;
    std::size_t len = decode(utf8, i, cp);
    if (len == 0) {
      finish(i);
      ++i;
      continue;
    }
    // A mark opens no word of its own: alone it is punctuation.
    bool word_char = is_word_char(cp, locale) && (in_word || !is_combining_mark(cp));
    if (word_char && !in_word) {
      start = i;
      in_word = true;
    } else if (!word_char) {
      finish(i);
    }
    i += len;
  }
  finish(utf8.size());
  return words;
}

std::ptrdiff_t utf8_length(std::string_view utf8) {
  std::ptrdiff_t count = 0;
  for (std::size_t i = 0; i < utf8.size(); ++count) {
    char32_t cp = 0;
    std::size_t len = decode(utf8, i, cp);
    if (len == 0) return -1;
    i += len;
  }
  return count;
}

std::string fold_case(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  locale_t locale = utf8_locale();
  for (std::size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
      ++i;
      continue;
    }
    char32_t cp = 0;
    std::size_t len = decode(utf8, i, cp);
    if (len == 0) {
      out += utf8[i++];
      continue;
    }
    char32_t lower =
        locale ? static_cast<char32_t>(towlower_l(static_cast<wint_t>(cp), locale)) : cp;
    encode(lower, out);
    i += len;
  }
  return out;
}

}  // namespace parley

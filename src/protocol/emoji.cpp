#include "protocol/emoji.hpp"

#include <cstdint>

namespace parley::protocol {
namespace {

// Decodes one code point of strict UTF-8 (no overlongs, surrogates or values past U+10FFFF)
// at `pos`, advancing it; nullopt when the bytes there are not valid UTF-8.
std::optional<char32_t> next_code_point(std::string_view s, std::size_t& pos) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char lead = byte(pos);
  std::size_t length = lead < 0x80           ? 1
                       : (lead >> 5) == 0x6  ? 2
                       : (lead >> 4) == 0xE  ? 3
                       : (lead >> 3) == 0x1E ? 4
                                             : 0;
  if (length == 0 || pos + length > s.size()) return std::nullopt;
  char32_t cp = length == 1   ? lead
                : length == 2 ? lead & 0x1F
                : length == 3 ? lead & 0x0F
                              : lead & 0x07;
  for (std::size_t i = 1; i < length; ++i) {
    unsigned char c = byte(pos + i);
    if ((c & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (c & 0x3F);
  }
  static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return std::nullopt;
  pos += length;
  return cp;
}

// Unicode's White_Space property and the C0/C1 control characters.
bool is_space_or_control(char32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return true;
  switch (cp) {
    case 0x20:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

}  // namespace

std::optional<std::string> check_emoji(std::string_view emoji) {
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < emoji.size()) {
    auto cp = next_code_point(emoji, pos);
    if (!cp) return "emoji must be valid UTF-8";
    if (is_space_or_control(*cp)) return "emoji must not contain whitespace or control characters";
    if (++count > kMaxEmojiCodePoints) break;
  }
  if (count < 1 || count > kMaxEmojiCodePoints) return "emoji must be 1 to 32 characters";
  return std::nullopt;
}

}  // namespace parley::protocol

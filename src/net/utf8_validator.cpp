#include "net/utf8_validator.hpp"

#include <cstring>

namespace parley::net {

bool Utf8Validator::feed(std::string_view bytes) noexcept {
  if (need_ == kFailed) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p != end) {
    if (need_ == 0) {
      // ASCII fast path, eight bytes at a time.
      while (end - p >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        if (word & 0x8080808080808080ULL) break;
        p += 8;
      }
      if (p == end) break;
      const unsigned char b = *p++;
      if (b < 0x80) continue;
      lo_ = 0x80;
      hi_ = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        need_ = 1;
      } else if (b == 0xE0) {
        need_ = 2;
        lo_ = 0xA0;  // no overlong 3-byte forms
      } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
        need_ = 2;
      } else if (b == 0xED) {
        need_ = 2;
        hi_ = 0x9F;  // no UTF-16 surrogates
      } else if (b == 0xF0) {
        need_ = 3;
        lo_ = 0x90;  // no overlong 4-byte forms
      } else if (b >= 0xF1 && b <= 0xF3) {
        need_ = 3;
      } else if (b == 0xF4) {
        need_ = 3;
        hi_ = 0x8F;  // nothing above U+10FFFF
      } else {
        need_ = kFailed;
        return false;
      }
    } else {
      const unsigned char b = *p++;
      if (b < lo_ || b > hi_) {
        need_ = kFailed;
        return false;
      }
      --need_;
      lo_ = 0x80;
      hi_ = 0xBF;
    }
  }
  return true;
}

}  // namespace parley::net

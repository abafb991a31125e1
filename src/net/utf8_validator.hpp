#pragma once
// An incremental UTF-8 validator (RFC 3629): feed a message in pieces, ask at the end.

#include <cstdint>
#include <string_view>

namespace parley::net {

class Utf8Validator {
 public:
  // Validates the next piece; false as soon as the input so far cannot be valid UTF-8 (sticky).
  bool feed(std::string_view bytes) noexcept;

  // True when everything fed is valid and no code point is left incomplete.
  bool complete() const noexcept { return need_ == 0; }

  void reset() noexcept {
    need_ = 0;
    lo_ = 0x80;
    hi_ = 0xBF;
  }

  // One-shot check of a whole string.
  static bool valid(std::string_view bytes) noexcept {
    Utf8Validator v;
    return v.feed(bytes) && v.complete();
  }

 private:
  static constexpr std::uint8_t kFailed = 0xFF;
  std::uint8_t need_ = 0;   // continuation bytes still expected, or kFailed
  std::uint8_t lo_ = 0x80;  // allowed range of the next continuation byte (excludes overlongs,
  std::uint8_t hi_ = 0xBF;  // surrogates and code points above U+10FFFF)
};

}  // namespace parley::net

#include "net/utf8_validator.hpp"

#include <gtest/gtest.h>

#include <string>

namespace parley::net {
namespace {

TEST(Utf8Validator, AcceptsValidText) {
  for (const char* s :
       {"", "plain ascii that is longer than eight bytes", "caf\xC3\xA9", "\xE2\x82\xAC",
        "\xF0\x9F\x98\x80", "\xED\x9F\xBF", "\xEE\x80\x80", "\xF4\x8F\xBF\xBF", "\x7F", "\xC2\x80"})
    EXPECT_TRUE(Utf8Validator::valid(s)) << s;
}

TEST(Utf8Validator, RejectsInvalidText) {
  for (const char* s : {
           "\x80",              // lone continuation byte
           "\xC0\xAF",          // overlong 2-byte
           "\xC1\xBF",          // overlong 2-byte
           "\xE0\x80\xAF",      // overlong 3-byte
           "\xF0\x80\x80\xAF",  // overlong 4-byte
           "\xED\xA0\x80",      // surrogate U+D800
           "\xED\xBF\xBF",      // surrogate U+DFFF
           "\xF4\x90\x80\x80",  // above U+10FFFF
           "\xF5\x80\x80\x80",  // invalid lead byte
           "\xFF",              // invalid byte
           "\xC3\x28",          // bad continuation
           "\xE2\x82",          // truncated
           "abcdefgh\xE2",      // truncated after the ASCII fast path
       })
    EXPECT_FALSE(Utf8Validator::valid(s)) << testing::PrintToString(std::string(s));
}

TEST(Utf8Validator, ValidatesAcrossPieces) {
  const std::string text =
      "ab\xF0\x9F\x98\x80"
      "cd\xE2\x82\xAC";
  for (std::size_t split = 0; split <= text.size(); ++split) {
    Utf8Validator v;
    EXPECT_TRUE(v.feed(std::string_view(text).substr(0, split)));
    EXPECT_TRUE(v.feed(std::string_view(text).substr(split)));
    EXPECT_TRUE(v.complete()) << split;
  }
  Utf8Validator v;
  EXPECT_TRUE(v.feed("\xF0\x9F"));
  EXPECT_FALSE(v.complete());
  EXPECT_FALSE(v.feed("\x28"));
  EXPECT_FALSE(v.feed("ok"));  // sticky
}

}  // namespace
}  // namespace parley::net

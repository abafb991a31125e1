#include "protocol/emoji.hpp"

#include <gtest/gtest.h>

namespace parley::protocol {
namespace {

TEST(CheckEmoji, AcceptsEmojiSequencesAndShortcodes) {
  for (const char* ok : {"👍", "🇪🇸", ":ship-it:", "👩‍👩‍👧", "❤️", "x", "+1"})
    EXPECT_FALSE(check_emoji(ok)) << ok;
}

TEST(CheckEmoji, LengthInCodePoints) {
  EXPECT_FALSE(check_emoji(std::string(32, 'a')));
  EXPECT_TRUE(check_emoji(std::string(33, 'a')));
  std::string flags;
  for (int i = 0; i < 16; ++i) flags += "🇪🇸";  // 32 code points, 128 bytes
  EXPECT_FALSE(check_emoji(flags));
  EXPECT_TRUE(check_emoji(flags + "a"));
  EXPECT_TRUE(check_emoji(""));
}

TEST(CheckEmoji, RefusesWhitespaceAndControls) {
  for (const char* bad : {" ", "a b", "\t", "a\n", "\x7f", "\xc2\x85", "\xc2\xa0", "\xe2\x80\x83",
                          "\xe3\x80\x80", "\xe2\x80\xa8"})
    EXPECT_TRUE(check_emoji(bad)) << bad;
  EXPECT_TRUE(check_emoji(std::string_view("a\0b", 3)));
}

TEST(CheckEmoji, RefusesInvalidUtf8) {
  for (const char* bad : {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"})
    EXPECT_TRUE(check_emoji(bad)) << bad;
}

}  // namespace
}  // namespace parley::protocol

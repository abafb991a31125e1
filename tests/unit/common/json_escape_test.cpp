#include "common/json_escape.hpp"

#include <gtest/gtest.h>

#include <string>

namespace parley {
namespace {

std::string escaped(std::string_view s) {
  std::string out;
  append_json_escaped(out, s);
  return out;
}

TEST(JsonEscape, LeavesPlainTextAndUtf8AsTheyAre) {
  EXPECT_EQ(escaped("hello, world"), "hello, world");
  EXPECT_EQ(escaped("caf\xc3\xa9 \xe2\x9c\x93"), "caf\xc3\xa9 \xe2\x9c\x93");
  EXPECT_EQ(escaped("\x7f"), "\x7f");  // DEL is not a control character to JSON
  EXPECT_EQ(escaped(""), "");
}

TEST(JsonEscape, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(escaped(R"(say "hi" \o/)"), R"(say \"hi\" \\o/)");
}

TEST(JsonEscape, EscapesEveryControlCharacter) {
  EXPECT_EQ(escaped("a\nb\rc\td"), R"(a\nb\rc\td)");
  EXPECT_EQ(escaped(std::string_view("\x00\x01\x1f", 3)), R"(\u0000\u0001\u001f)");
  for (int c = 0; c < 0x20; ++c) {
    std::string out = escaped(std::string(1, static_cast<char>(c)));
    EXPECT_EQ(out.front(), '\\') << c;
  }
}

TEST(JsonEscape, AppendsToWhatIsThere) {
  std::string out = "{\"k\":\"";
  append_json_escaped(out, "v\"");
  EXPECT_EQ(out, R"({"k":"v\")");
}

}  // namespace
}  // namespace parley

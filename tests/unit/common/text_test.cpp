#include "common/text.hpp"

#include <gtest/gtest.h>

namespace parley {

TEST(FoldCase, AsciiAndBeyond) {
  EXPECT_EQ(fold_case("General-Chat_1"), "general-chat_1");
  EXPECT_EQ(fold_case("CAFÉ"), fold_case("café"));
  EXPECT_EQ(fold_case("ПРИВЕТ"), "привет");
  EXPECT_EQ(fold_case("ΩΜΈΓΑ"), fold_case("ωμέγα"));
  EXPECT_EQ(fold_case("日本語 😀"), "日本語 😀");
}

TEST(FoldCase, KeepsInvalidBytes) {
  std::string bad = "A\xC3";
  EXPECT_EQ(fold_case(bad), "a\xC3");
  EXPECT_EQ(fold_case("\xFF\xFE"
                      "B"),
            "\xFF\xFE"
            "b");
}

}  // namespace parley

namespace parley {

TEST(TextWords, RunsOfLettersAndDigitsFolded) {
  using Words = std::vector<std::string>;
  EXPECT_EQ(text_words("Deploy the v2 build, now!"),
            (Words{"deploy", "the", "v2", "build", "now"}));
  EXPECT_EQ(text_words("\"foo\" OR bar* -baz NEAR(x) a:b; DROP TABLE"),
            (Words{"foo", "or", "bar", "baz", "near", "x", "a", "b", "drop", "table"}));
  EXPECT_EQ(text_words("Café ПРИВЕТ 日本語"), (Words{"café", "привет", "日本語"}));
  EXPECT_EQ(text_words("cafe\u0301!"), (Words{"cafe\u0301"}));
  EXPECT_EQ(text_words("https://deploy.example.com/x_y"),
            (Words{"https", "deploy", "example", "com", "x", "y"}));
  EXPECT_TRUE(text_words("\"*-:;!? \u0301 😀").empty());
  EXPECT_EQ(text_words("a\xFF"
                       "b"),
            (Words{"a", "b"}));
}

TEST(Utf8Length, CountsCodePointsOrRefuses) {
  EXPECT_EQ(utf8_length(""), 0);
  EXPECT_EQ(utf8_length("Café 😀"), 6);
  EXPECT_EQ(utf8_length("a\xC3"), -1);
}

}  // namespace parley

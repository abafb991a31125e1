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

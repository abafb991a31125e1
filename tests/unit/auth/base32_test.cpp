#include "auth/base32.hpp"

#include <gtest/gtest.h>

namespace parley::auth {
namespace {

TEST(Base32, EncodesTheRfc4648Vectors) {
  // RFC 4648 section 10, without the padding.
  EXPECT_EQ(base32_encode(""), "");
  EXPECT_EQ(base32_encode("f"), "MY");
  EXPECT_EQ(base32_encode("fo"), "MZXQ");
  EXPECT_EQ(base32_encode("foo"), "MZXW6");
  EXPECT_EQ(base32_encode("foob"), "MZXW6YQ");
  EXPECT_EQ(base32_encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(base32_encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(base32_encode("12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(Base32, DecodesWhatPeopleType) {
  EXPECT_EQ(base32_decode("MZXW6YTBOI"), "foobar");
  EXPECT_EQ(base32_decode("MZXW6YTBOI======"), "foobar");
  EXPECT_EQ(base32_decode("mzxw 6ytb oi"), "foobar");
  EXPECT_EQ(base32_decode(""), "");
}

TEST(Base32, RefusesWhatIsNotBase32) {
  for (const char* bad : {"MZXW6YTB0I", "MZXW6YTB1I", "MZ-XW", "M", "MZX", "MZXW6YTBOJ"})
    EXPECT_FALSE(base32_decode(bad)) << bad;  // 0/1/'-' are not in the alphabet; stray bits
}

TEST(Base32, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(base32_decode(base32_encode(bytes)), bytes) << i;
    bytes.push_back(static_cast<char>(i * 37 + 5));
  }
}

}  // namespace
}  // namespace parley::auth

#include "auth/tokens.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "auth/base64url.hpp"

namespace parley::auth {

TEST(Tokens, RandomTokensAreUrlSafeAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string token = random_token();
    EXPECT_EQ(token.size(), 43u);  // 32 bytes, unpadded base64url
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << token;
    EXPECT_TRUE(seen.insert(token).second);
  }
  EXPECT_EQ(random_token(16).size(), 22u);
  EXPECT_EQ(base64url_decode(random_token(24))->size(), 24u);
}

TEST(Tokens, HashIsLowercaseHexSha256) {
  EXPECT_EQ(hash_token(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hash_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string token = random_token();
  EXPECT_EQ(hash_token(token), hash_token(token));
  EXPECT_NE(hash_token(token), hash_token(random_token()));
}

TEST(Tokens, ConstantTimeEquals) {
  EXPECT_TRUE(constant_time_equals("secret-key", "secret-key"));
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_FALSE(constant_time_equals("secret-key", "secret-kez"));
  EXPECT_FALSE(constant_time_equals("secret-key", "secret-ke"));
  EXPECT_FALSE(constant_time_equals("secret-key", "secret-key "));
  EXPECT_FALSE(constant_time_equals("", "x"));
  EXPECT_FALSE(constant_time_equals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(Base64url, RoundTripsAndRejectsNonCanonicalText) {
  for (std::string bytes : {std::string(), std::string("f"), std::string("fo"), std::string("foo"),
                            std::string("\xff\xfe\xfd\x00", 4)}) {
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), std::optional<std::string>(bytes));
  }
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_FALSE(base64url_decode("Zg=="));   // padding
  EXPECT_FALSE(base64url_decode("+/8"));    // standard alphabet
  EXPECT_FALSE(base64url_decode("Zm 9v"));  // whitespace
  EXPECT_FALSE(base64url_decode("Z"));      // impossible length
  EXPECT_FALSE(base64url_decode("Zh"));     // stray low bits
}

}  // namespace parley::auth

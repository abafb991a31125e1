#include "auth/password.hpp"

#include <gtest/gtest.h>

#include <string>

namespace parley::auth {

TEST(Password, HashesWithArgon2idAndVerifies) {
  init_crypto();
  init_crypto();  // idempotent
  std::string hash = hash_password("correct horse battery staple");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_TRUE(verify_password(hash, "correct horse battery staple"));
  EXPECT_FALSE(verify_password(hash, "correct horse battery stapl"));
  EXPECT_FALSE(verify_password(hash, ""));
}

TEST(Password, SaltsEveryHash) {
  std::string a = hash_password("same password");
  std::string b = hash_password("same password");
  EXPECT_NE(a, b);
  EXPECT_TRUE(verify_password(a, "same password"));
  EXPECT_TRUE(verify_password(b, "same password"));
}

TEST(Password, RejectsMalformedHashesWithoutThrowing) {
  EXPECT_FALSE(verify_password("", "password"));
  EXPECT_FALSE(verify_password("not a hash", "password"));
  EXPECT_FALSE(verify_password("$argon2id$v=19$m=65536,t=2,p=1$", "password"));
  EXPECT_FALSE(verify_password(std::string(1000, '$'), "password"));
  std::string hash = hash_password("password");
  EXPECT_FALSE(verify_password(hash.substr(0, hash.size() - 2), "password"));
  std::string with_nul = hash;
  with_nul[5] = '\0';
  EXPECT_FALSE(verify_password(with_nul, "password"));
}

TEST(Password, HandlesPasswordsWithNulAndUnicode) {
  std::string nul("pass\0word", 9);
  std::string hash = hash_password(nul);
  EXPECT_TRUE(verify_password(hash, nul));
  EXPECT_FALSE(verify_password(hash, "pass"));
  std::string unicode = "p\xc3\xa4ssw\xc3\xb6rd \xf0\x9f\x94\x91";
  EXPECT_TRUE(verify_password(hash_password(unicode), unicode));
}

}  // namespace parley::auth

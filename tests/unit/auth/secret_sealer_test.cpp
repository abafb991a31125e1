#include "auth/secret_sealer.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace parley::auth {
namespace {

const std::string kSecret = "a-server-secret-of-at-least-thirty-two-bytes";

TEST(SecretSealer, OpensWhatItSealed) {
  SecretSealer sealer(kSecret);
  std::string plain("\x01\x02secret\x00bytes", 14);
  std::string sealed = sealer.seal(plain, "user 7");
  EXPECT_EQ(sealed.rfind("v1.", 0), 0u);
  EXPECT_EQ(sealed.find("secret"), std::string::npos);
  EXPECT_EQ(sealer.open(sealed, "user 7"), plain);
  EXPECT_EQ(SecretSealer(kSecret).open(sealed, "user 7"), plain);  // same key, another instance
}

TEST(SecretSealer, EverySealIsDifferent) {
  SecretSealer sealer(kSecret);
  EXPECT_NE(sealer.seal("x", "c"), sealer.seal("x", "c"));  // a fresh nonce each time
}

TEST(SecretSealer, RefusesAnotherContextKeyOrAnAlteration) {
  SecretSealer sealer(kSecret);
  std::string sealed = sealer.seal("totp secret", "user 7");
  EXPECT_FALSE(sealer.open(sealed, "user 8"));  // copied to another user's row
  EXPECT_FALSE(SecretSealer(kSecret + "!").open(sealed, "user 7"));
  for (std::size_t i = 3; i < sealed.size(); ++i) {
    std::string bad = sealed;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(sealer.open(bad, "user 7")) << i;
  }
  for (const char* junk : {"", "v1.", "v2.AAAA", "v1.AAAA", "plain text", "v1.!!!!"})
    EXPECT_FALSE(sealer.open(junk, "user 7")) << junk;
}

TEST(SecretSealer, DerivesTheKeyFromLongSecretsToo) {
  std::string long_secret(300, 'k');
  SecretSealer sealer(long_secret);
  EXPECT_EQ(sealer.open(sealer.seal("x", "c"), "c"), "x");
  EXPECT_FALSE(SecretSealer(std::string(299, 'k') + "j").open(sealer.seal("x", "c"), "c"));
  EXPECT_THROW(SecretSealer(""), std::invalid_argument);
}

}  // namespace
}  // namespace parley::auth

#include "auth/totp.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <set>

#include "auth/base32.hpp"

namespace parley::auth {
namespace {

const std::string kRfcKey = "12345678901234567890";  // RFC 6238 appendix B, SHA-1
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();

TEST(Totp, MatchesTheRfc6238Vectors) {
  // The appendix lists 8 digits; a 6-digit code is the last six.
  const std::pair<std::int64_t, const char*> vectors[] = {
      {59, "287082"},         {1111111109, "081804"}, {1111111111, "050471"},
      {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}};
  for (const auto& [seconds, code] : vectors)
    EXPECT_EQ(totp_code(kRfcKey, totp_step(seconds * 1000)), code) << seconds;
}

TEST(Totp, StepsAreThirtySecondsFromTheEpoch) {
  EXPECT_EQ(totp_step(0), 0);
  EXPECT_EQ(totp_step(29'999), 0);
  EXPECT_EQ(totp_step(30'000), 1);
  EXPECT_EQ(totp_step(1'111'111'109'000), 37'037'036);
  EXPECT_EQ(totp_step(-1), -1);
}

TEST(Totp, AcceptsTheCurrentAndNeighbouringStepsOnly) {
  const std::int64_t now = 1000;
  for (std::int64_t d = -1; d <= 1; ++d)
    EXPECT_EQ(match_totp(kRfcKey, totp_code(kRfcKey, now + d), now, kNever), now + d) << d;
  for (std::int64_t d : {-3, -2, 2, 3})
    EXPECT_FALSE(match_totp(kRfcKey, totp_code(kRfcKey, now + d), now, kNever)) << d;
}

TEST(Totp, RefusesStepsAlreadyAccepted) {
  const std::int64_t now = 1000;
  EXPECT_FALSE(match_totp(kRfcKey, totp_code(kRfcKey, now), now, now));
  EXPECT_FALSE(match_totp(kRfcKey, totp_code(kRfcKey, now - 1), now, now));
  EXPECT_EQ(match_totp(kRfcKey, totp_code(kRfcKey, now + 1), now, now), now + 1);
}

TEST(Totp, RefusesAnythingButSixDigits) {
  const std::int64_t now = 1000;
  std::string code = totp_code(kRfcKey, now);
  // Appended, not "+": GCC 12 warns falsely (-Wrestrict) on that.
  std::string longer = code;
  longer.append("0");
  std::string spaced(" ");
  spaced.append(code, 1);
  for (const std::string& bad :
       {std::string(), code.substr(1), longer, spaced, std::string("12345a"), std::string("-12345"),
        std::string("\0\0\0\0\0\0", 6), std::string("１２３４５６")})
    EXPECT_FALSE(match_totp(kRfcKey, bad, now, kNever)) << bad;
  EXPECT_FALSE(match_totp("", code, now, kNever));
}

TEST(Totp, SecretsAreFreshAnd160Bits) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string secret = generate_totp_secret();
    EXPECT_EQ(secret.size(), 20u);
    seen.insert(secret);
  }
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_EQ(base32_encode(generate_totp_secret()).size(), 32u);
}

TEST(Totp, OtpauthUriNamesTheAccountAndTheScheme) {
  EXPECT_EQ(otpauth_uri("Parley", "alice", "GEZDGNBV"),
            "otpauth://totp/Parley:alice?secret=GEZDGNBV&issuer=Parley&algorithm=SHA1&digits=6&"
            "period=30");
  EXPECT_EQ(otpauth_uri("My Chat", "a.b-c_d", "X"),
            "otpauth://totp/My%20Chat:a.b-c_d?secret=X&issuer=My%20Chat&algorithm=SHA1&digits=6&"
            "period=30");
}

}  // namespace
}  // namespace parley::auth

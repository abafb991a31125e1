#include "auth/jwt.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <sodium.h>

#include "auth/base64url.hpp"

namespace parley::auth {

namespace {

constexpr std::int64_t kNow = 1'700'000'000;
const std::string kSecret = "test-secret-that-is-long-enough-for-hs256";

AccessClaims claims() {
  return AccessClaims{42, "alice", "admin", kNow, kNow + 900, 7};
}

struct Parts {
  std::string header, payload, signature;
};

Parts split(const std::string& token) {
  auto a = token.find('.');
  auto b = token.find('.', a + 1);
  return {token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1)};
}

std::string join(const Parts& p) {
  return p.header + "." + p.payload + "." + p.signature;
}

// A token over arbitrary header and payload JSON, correctly signed with `secret` (HS256), as an
// attacker who knows the secret, or a buggy issuer, would produce.
std::string forge(const std::string& header_json, const std::string& payload_json,
                  const std::string& secret = kSecret) {
  std::string input = base64url_encode(header_json) + "." + base64url_encode(payload_json);
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(input.data()),
                                input.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  return input + "." + base64url_encode(std::string_view(reinterpret_cast<char*>(mac), sizeof mac));
}

constexpr const char* kHs256 = R"({"alg":"HS256","typ":"JWT"})";

}  // namespace

TEST(Jwt, RoundTrips) {
  JwtCodec codec(kSecret);
  std::string token = codec.issue(claims());
  auto verified = codec.verify(token, kNow);
  ASSERT_TRUE(verified.has_value());
  EXPECT_EQ(verified->user_id, 42);
  EXPECT_EQ(verified->username, "alice");
  EXPECT_EQ(verified->role, "admin");
  EXPECT_EQ(verified->issued_at, kNow);
  EXPECT_EQ(verified->expires_at, kNow + 900);
  EXPECT_EQ(verified->session_id, 7);
}

TEST(Jwt, HasTheStandardShape) {
  JwtCodec codec(kSecret);
  Parts p = split(codec.issue(claims()));
  EXPECT_EQ(base64url_decode(p.header),
            std::optional<std::string>(R"({"alg":"HS256","typ":"JWT"})"));
  auto payload = base64url_decode(p.payload);
  ASSERT_TRUE(payload);
  EXPECT_NE(payload->find(R"("sub":"42")"), std::string::npos);
  EXPECT_NE(payload->find(R"("exp":1700000900)"), std::string::npos);
  EXPECT_NE(payload->find(R"("sid":"7")"), std::string::npos);
  EXPECT_EQ(p.signature.size(), 43u);  // 32 bytes, unpadded
  EXPECT_EQ(p.signature.find('='), std::string::npos);
}

TEST(Jwt, ExpiresAtExp) {
  JwtCodec codec(kSecret);
  std::string token = codec.issue(claims());
  EXPECT_TRUE(codec.verify(token, kNow + 899).has_value());
  EXPECT_FALSE(codec.verify(token, kNow + 900).has_value());
  EXPECT_FALSE(codec.verify(token, kNow + 100000).has_value());
}

TEST(Jwt, RejectsAnotherSecret) {
  std::string token = JwtCodec(kSecret).issue(claims());
  EXPECT_FALSE(JwtCodec("another-secret").verify(token, kNow).has_value());
}

TEST(Jwt, RejectsATamperedPayload) {
  JwtCodec codec(kSecret);
  Parts p = split(codec.issue(claims()));
  AccessClaims elevated = claims();
  elevated.user_id = 1;
  p.payload = split(JwtCodec("other").issue(elevated)).payload;
  EXPECT_FALSE(codec.verify(join(p), kNow).has_value());
}

TEST(Jwt, RejectsATamperedSignature) {
  JwtCodec codec(kSecret);
  std::string token = codec.issue(claims());
  for (std::size_t i = token.rfind('.') + 1; i < token.size(); ++i) {
    std::string bad = token;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(codec.verify(bad, kNow).has_value()) << i;
  }
  Parts p = split(token);
  p.signature.pop_back();
  EXPECT_FALSE(codec.verify(join(p), kNow).has_value());
  p.signature = "";
  EXPECT_FALSE(codec.verify(join(p), kNow).has_value());
}

TEST(Jwt, RejectsOtherAlgorithms) {
  JwtCodec codec(kSecret);
  Parts good = split(codec.issue(claims()));
  for (const char* header : {R"({"alg":"none","typ":"JWT"})", R"({"alg":"HS512","typ":"JWT"})",
                             R"({"alg":"hs256","typ":"JWT"})", R"({"alg":"RS256"})",
                             R"({"typ":"JWT"})", R"({"alg":null})", R"({"alg":["HS256"]})",
                             R"({"alg":"HS256","typ":"JWS"})", "[]", "\"HS256\"", "not json"}) {
    Parts p = good;
    p.header = base64url_encode(header);
    EXPECT_FALSE(codec.verify(join(p), kNow).has_value()) << header;
    p.signature = "";  // the classic alg=none attack: no signature at all
    EXPECT_FALSE(codec.verify(join(p), kNow).has_value()) << header;
  }
  // A header without typ is fine as long as alg is HS256 -- but the signature covers the header,
  // so swapping it in still fails.
  Parts p = good;
  p.header = base64url_encode(R"({"alg":"HS256"})");
  EXPECT_FALSE(codec.verify(join(p), kNow).has_value());
}

TEST(Jwt, RejectsMalformedTokens) {
  JwtCodec codec(kSecret);
  std::string token = codec.issue(claims());
  Parts p = split(token);
  const std::vector<std::string> malformed = {std::string(),
                                              std::string("."),
                                              std::string(".."),
                                              std::string("..."),
                                              p.header,
                                              p.header + "." + p.payload,
                                              token + ".",
                                              token + ".x",
                                              "." + token,
                                              p.header + ".." + p.signature,
                                              p.header + "=." + p.payload + "." + p.signature,
                                              p.header + "." + p.payload + "=." + p.signature,
                                              p.header + "." + p.payload + ". " + p.signature,
                                              "a b.c d.e f",
                                              "\xff\xfe.\x01.\x02",
                                              std::string(10000, 'a')};
  for (const std::string& bad : malformed) {
    EXPECT_FALSE(codec.verify(bad, kNow).has_value()) << bad;
  }
  // Characters of the other base64 alphabet.
  std::string plus = token;
  plus[1] = '+';
  EXPECT_FALSE(codec.verify(plus, kNow).has_value());
}

TEST(Jwt, ForgedTokensAreCheckedLikeIssuedOnes) {
  JwtCodec codec(kSecret);
  const std::string good =
      R"({"sub":"42","name":"alice","role":"user","iat":1700000000,"exp":1700000900,"sid":"7"})";
  EXPECT_EQ(codec.verify(forge(kHs256, good), kNow)->user_id, 42);
  EXPECT_EQ(codec.verify(forge(R"({"alg":"HS256"})", good), kNow)->user_id, 42);
  // Correctly signed, but the header names another algorithm: still refused.
  EXPECT_FALSE(codec.verify(forge(R"({"alg":"none"})", good), kNow));
  EXPECT_FALSE(codec.verify(forge(R"({"alg":"HS512","typ":"JWT"})", good), kNow));
  EXPECT_FALSE(codec.verify(forge(R"({"typ":"JWT"})", good), kNow));
  EXPECT_FALSE(codec.verify(forge(kHs256, good, "wrong secret"), kNow));
}

TEST(Jwt, RequiresWellTypedClaims) {
  JwtCodec codec(kSecret);
  for (
      const char* payload :
      {R"({"name":"alice","role":"user","iat":1700000000,"exp":1700000900,"sid":"7"})",
       R"({"sub":42,"name":"alice","role":"user","iat":1700000000,"exp":1700000900,"sid":"7"})",
       R"({"sub":"0","name":"alice","role":"user","iat":1700000000,"exp":1700000900,"sid":"7"})",
       R"({"sub":"-5","name":"alice","role":"user","iat":1700000000,"exp":1700000900,"sid":"7"})",
       R"({"sub":"+5","name":"alice","role":"user","iat":1700000000,"exp":1700000900,"sid":"7"})",
       R"({"sub":"042","name":"alice","role":"user","iat":1700000000,"exp":1700000900,"sid":"7"})",
       R"({"sub":"42x","name":"alice","role":"user","iat":1700000000,"exp":1700000900,"sid":"7"})",
       R"({"sub":" 42","name":"alice","role":"user","iat":1700000000,"exp":1700000900,"sid":"7"})",
       R"({"sub":"9223372036854775808","name":"a","role":"user","iat":1,"exp":1700000900,"sid":"7"})",
       R"({"sub":"42","role":"user","iat":1700000000,"exp":1700000900,"sid":"7"})",
       R"({"sub":"42","name":7,"role":"user","iat":1700000000,"exp":1700000900,"sid":"7"})",
       R"({"sub":"42","name":"alice","iat":1700000000,"exp":1700000900,"sid":"7"})",
       R"({"sub":"42","name":"alice","role":"user","exp":1700000900,"sid":"7"})",
       R"({"sub":"42","name":"alice","role":"user","iat":"1700000000","exp":1700000900,"sid":"7"})",
       R"({"sub":"42","name":"alice","role":"user","iat":1700000000,"sid":"7"})",
       R"({"sub":"42","name":"alice","role":"user","iat":1700000000,"exp":1700000900.5,"sid":"7"})",
       R"({"sub":"42","name":"alice","role":"user","iat":1700000000,"exp":"1700000900","sid":"7"})",
       R"({"sub":"42","name":"alice","role":"user","iat":1700000000,"exp":null,"sid":"7"})",
       R"({"sub":"42","name":"alice","role":"user","iat":1,"exp":18446744073709551615,"sid":"7"})",
       R"(["sub","42"])",
       R"("just a string")",
       R"({"sub":"42",)",
       ""}) {
    EXPECT_FALSE(codec.verify(forge(kHs256, payload), kNow).has_value()) << payload;
  }
  AccessClaims zero = claims();
  zero.user_id = 0;
  EXPECT_FALSE(codec.verify(codec.issue(zero), kNow).has_value());
  AccessClaims big = claims();
  big.user_id = 9'223'372'036'854'775'807;
  EXPECT_EQ(codec.verify(codec.issue(big), kNow)->user_id, big.user_id);
}

TEST(Jwt, RequiresAWellFormedSessionId) {
  JwtCodec codec(kSecret);
  const std::string base =
      R"({"sub":"42","name":"a","role":"user","iat":1700000000,"exp":1700000900)";
  EXPECT_EQ(codec.verify(forge(kHs256, base + R"(,"sid":"12"})"), kNow)->session_id, 12);
  for (const char* sid : {"", R"(,"sid":12)", R"(,"sid":"")", R"(,"sid":"0")", R"(,"sid":"-1")",
                          R"(,"sid":"1.0")", R"(,"sid":" 1")", R"(,"sid":"abc")",
                          R"(,"sid":"99999999999999999999")", R"(,"sid":null)"}) {
    EXPECT_FALSE(codec.verify(forge(kHs256, base + sid + "}"), kNow).has_value()) << sid;
  }
}

TEST(Jwt, RefusesNotBeforeInTheFuture) {
  JwtCodec codec(kSecret);
  auto with = [](const std::string& extra) {
    return R"({"sub":"42","name":"a","role":"user","iat":1700000000,"exp":1700000900,"sid":"7")" +
           extra + "}";
  };
  EXPECT_TRUE(codec.verify(forge(kHs256, with(R"(,"nbf":1700000000)")), kNow));
  EXPECT_TRUE(codec.verify(forge(kHs256, with(R"(,"nbf":1699999000)")), kNow));
  // No grace for nbf: one second ahead is the future.
  EXPECT_FALSE(codec.verify(forge(kHs256, with(R"(,"nbf":1700000001)")), kNow));
  EXPECT_FALSE(codec.verify(forge(kHs256, with(R"(,"nbf":1700003600)")), kNow));
  for (const char* bad : {R"(,"nbf":null)", R"(,"nbf":"soon")", R"(,"nbf":1.5e300)",
                          R"(,"nbf":[1])", R"(,"nbf":1700000000.5)"}) {
    EXPECT_FALSE(codec.verify(forge(kHs256, with(bad)), kNow)) << bad;
  }
}

TEST(Jwt, RefusesIssuedAtMoreThanAMinuteAhead) {
  JwtCodec codec(kSecret);
  AccessClaims c = claims();
  c.issued_at = kNow + kMaxIssuedAheadSeconds;
  c.expires_at = c.issued_at + 900;
  EXPECT_TRUE(codec.verify(codec.issue(c), kNow));  // skew within a minute is tolerated
  c.issued_at = kNow + kMaxIssuedAheadSeconds + 1;
  c.expires_at = c.issued_at + 900;
  EXPECT_FALSE(codec.verify(codec.issue(c), kNow));
  c.issued_at = kNow - 3600;
  EXPECT_TRUE(codec.verify(codec.issue(c), kNow));  // issued long ago, not yet expired
}

}  // namespace parley::auth

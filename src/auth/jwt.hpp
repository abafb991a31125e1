#pragma once
// HS256 JSON Web Tokens for access tokens. The algorithm is pinned: a token whose header names any
// other algorithm is rejected before its signature is looked at. Signatures compare in constant
// time. Time claims are checked against the caller's clock: `exp` passed, `nbf` still ahead, or
// `iat` more than kMaxIssuedAheadSeconds ahead (a clock that far off is not skew) are refused.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::auth {

struct AccessClaims {
  std::int64_t user_id = 0;     // "sub", a decimal string on the wire
  std::string username;         // "name"
  std::string role;             // "role"
  std::int64_t issued_at = 0;   // "iat", seconds
  std::int64_t expires_at = 0;  // "exp", seconds
  std::int64_t session_id = 0;  // "sid", a decimal string on the wire like "sub"
};

inline constexpr std::int64_t kMaxIssuedAheadSeconds = 60;

class JwtCodec {
 public:
  explicit JwtCodec(std::string secret);

  std::string issue(const AccessClaims& claims) const;

  // nullopt for anything malformed, wrongly signed, not HS256, without a valid `sid`, expired at
  // `now_seconds`, not yet valid (`nbf`), or issued more than a minute ahead of it.
  std::optional<AccessClaims> verify(std::string_view token, std::int64_t now_seconds) const;

 private:
  std::string secret_;
};

}  // namespace parley::auth

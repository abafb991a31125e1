#pragma once
// Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA-1, 6 digits, 30-second steps
// from the Unix epoch, what every authenticator app produces by default.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::auth {

inline constexpr std::int64_t kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;
inline constexpr std::size_t kTotpSecretBytes = 20;  // 160 bits, RFC 4226's recommendation
// Steps accepted on either side of the current one (clock skew, typing time).
inline constexpr std::int64_t kTotpWindow = 1;

// The step that contains `now_ms`.
std::int64_t totp_step(std::int64_t now_ms) noexcept;

// A fresh random secret of kTotpSecretBytes raw bytes.
std::string generate_totp_secret();

// The 6-digit code of raw `key` at `step`.
std::string totp_code(std::string_view key, std::int64_t step);

// The step within kTotpWindow of `current_step`, and after `last_accepted_step`, whose code is
// `code`; nullopt when none is. Every candidate is computed and compared in constant time, so the
// time taken says nothing about which digits or which step matched.
std::optional<std::int64_t> match_totp(std::string_view key, std::string_view code,
                                       std::int64_t current_step, std::int64_t last_accepted_step);

// otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view base32_secret);

}  // namespace parley::auth

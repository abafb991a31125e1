#pragma once
// Two-factor recovery codes: ten random one-time codes shown once, stored only as hashes. Each
// code carries 80 random bits (16 base32 characters, grouped "abcd-efgh-ijkl-mnop"), so a plain
// SHA-256 is enough to keep them from being guessed back out of the database.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace parley::auth {

inline constexpr std::size_t kRecoveryCodeCount = 10;

std::vector<std::string> generate_recovery_codes(std::size_t count = kRecoveryCodeCount);

// The stored form of what a user typed: case, spaces and dashes do not matter. Empty when the
// text cannot be a recovery code (wrong length or characters), so nothing is looked up for it.
std::string recovery_code_hash(std::string_view typed);

}  // namespace parley::auth

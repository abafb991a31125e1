#pragma once
// Random opaque tokens (refresh tokens, family ids, secrets, request ids) and their hashes.

#include <cstddef>
#include <string>
#include <string_view>

namespace parley::auth {

// `bytes` random bytes from the OS CSPRNG, base64url without padding.
std::string random_token(std::size_t bytes = 32);

// Lowercase hex SHA-256 of the token, the form refresh tokens are stored in.
std::string hash_token(std::string_view token);

// Constant-time equality for secrets such as API keys.
bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

}  // namespace parley::auth

#pragma once
// Base32 (RFC 4648 section 6, upper case, no padding): how authenticator apps take TOTP secrets.

#include <optional>
#include <string>
#include <string_view>

namespace parley::auth {

std::string base32_encode(std::string_view bytes);

// Accepts upper or lower case, spaces and trailing '=' padding (as people type secrets); nullopt
// for any other character or stray bits.
std::optional<std::string> base32_decode(std::string_view text);

}  // namespace parley::auth

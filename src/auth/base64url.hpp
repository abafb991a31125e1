#pragma once
// base64url without padding (RFC 4648 section 5), as JWTs and opaque tokens use it.

#include <optional>
#include <string>
#include <string_view>

namespace parley::auth {

std::string base64url_encode(std::string_view bytes);

// nullopt for anything but the canonical unpadded encoding (no padding, whitespace or stray bits).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace parley::auth

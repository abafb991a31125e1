// libFuzzer target for JwtCodec::verify. Two modes, chosen by the first byte: the raw input as a
// token (exercises splitting, base64 and header checks), or the input split at the first newline
// into header and payload JSON, correctly signed, so claim parsing is reached as well.
// Invariants: verify never throws or crashes; an accepted token's claims re-issue and re-verify
// to the same values.

#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/base64url.hpp"
#include "auth/jwt.hpp"

namespace {

const std::string kSecret = "fuzz-secret";

std::string sign(std::string_view header, std::string_view payload) {
  std::string input =
      parley::auth::base64url_encode(header) + "." + parley::auth::base64url_encode(payload);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(kSecret.data()),
                              kSecret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(input.data()),
                                input.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return input + "." +
         parley::auth::base64url_encode(std::string_view(reinterpret_cast<char*>(mac), sizeof mac));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const parley::auth::JwtCodec codec(kSecret);
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string token;
  if (data[0] & 1) {
    std::size_t newline = input.find('\n');
    if (newline == std::string_view::npos) return 0;
    token = sign(input.substr(0, newline), input.substr(newline + 1));
  } else {
    token = std::string(input);
  }
  auto claims = codec.verify(token, 0);
  if (claims) {
    auto again = codec.verify(codec.issue(*claims), 0);
    if (!again || again->user_id != claims->user_id || again->username != claims->username ||
        again->role != claims->role || again->issued_at != claims->issued_at ||
        again->expires_at != claims->expires_at || again->session_id != claims->session_id) {
      std::abort();
    }
  }
  return 0;
}

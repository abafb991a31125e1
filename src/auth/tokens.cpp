#include "auth/tokens.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "auth/base64url.hpp"
#include "auth/password.hpp"

namespace parley::auth {

namespace {

// A per-process random key for constant_time_equals' digests.
const std::array<unsigned char, crypto_generichash_KEYBYTES>& comparison_key() {
  static const auto key = [] {
    init_crypto();
    std::array<unsigned char, crypto_generichash_KEYBYTES> k{};
    randombytes_buf(k.data(), k.size());
    return k;
  }();
  return key;
}

}  // namespace

std::string random_token(std::size_t bytes) {
  init_crypto();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string token = base64url_encode(raw);
  sodium_memzero(raw.data(), raw.size());
  return token;
}

std::string hash_token(std::string_view token) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);  // lowercase
  return std::string(hex, crypto_hash_sha256_BYTES * 2);
}

bool constant_time_equals(std::string_view a, std::string_view b) noexcept {
  // Comparing keyed digests of equal length hides both the contents and the length of the
  // secret from timing: the time depends only on the lengths hashed, never on where they differ.
  try {
    const auto& key = comparison_key();
    unsigned char da[32];
    unsigned char db[32];
    crypto_generichash(da, sizeof da, reinterpret_cast<const unsigned char*>(a.data()), a.size(),
                       key.data(), key.size());
    crypto_generichash(db, sizeof db, reinterpret_cast<const unsigned char*>(b.data()), b.size(),
                       key.data(), key.size());
    return sodium_memcmp(da, db, sizeof da) == 0;
  } catch (...) {
    return false;
  }
}

}  // namespace parley::auth

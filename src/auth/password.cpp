#include "auth/password.hpp"

#include <sodium.h>

#include <stdexcept>

namespace parley::auth {

void init_crypto() {
  // sodium_init is itself idempotent and thread-safe: 0 first time, 1 afterwards, -1 on failure.
  if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
}

std::string hash_password(std::string_view password) {
  init_crypto();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return std::string(out);
}

bool verify_password(std::string_view hash, std::string_view password) noexcept {
  // crypto_pwhash_str_verify wants a NUL-terminated string of bounded length.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  char terminated[crypto_pwhash_STRBYTES] = {};
  hash.copy(terminated, hash.size());
  if (sodium_init() < 0) return false;
  return crypto_pwhash_str_verify(terminated, password.data(), password.size()) == 0;
}

}  // namespace parley::auth

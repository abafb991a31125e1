#pragma once
// Encrypts small secrets kept in the database (TOTP secrets) so that the database alone, a backup
// or a dump, reveals none of them. XChaCha20-Poly1305 (libsodium) with a random nonce per seal;
// the key is derived from a server secret (the JWT signing secret unless one is configured for
// this) with keyed BLAKE2b. Each sealed value is bound to a context (e.g. the owner's user id) as
// associated data, so that a value copied to another row does not open there. Thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace parley::auth {

class SecretSealer {
 public:
  // `server_secret`: any non-empty secret (std::invalid_argument otherwise); 32 random bytes or
  // more, as the generated JWT secret has, for full strength.
  explicit SecretSealer(std::string_view server_secret);
  ~SecretSealer();
  SecretSealer(const SecretSealer&) = delete;
  SecretSealer& operator=(const SecretSealer&) = delete;

  // "v1." + base64url(nonce || ciphertext || tag).
  std::string seal(std::string_view plaintext, std::string_view context) const;

  // nullopt when the text is not a sealed value, was sealed under another key or context, or was
  // altered.
  std::optional<std::string> open(std::string_view sealed, std::string_view context) const;

 private:
  unsigned char key_[32];
};

}  // namespace parley::auth

#include "auth/secret_sealer.hpp"

#include <sodium.h>

#include <stdexcept>

#include "auth/base64url.hpp"
#include "auth/password.hpp"

namespace parley::auth {

namespace {
constexpr std::string_view kPrefix = "v1.";
// Domain separation: the same server secret also signs JWTs; this key is a different function of
// it, and knowing one tells nothing of the other.
constexpr std::string_view kKeyPurpose = "parley secret sealing key v1";
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

SecretSealer::SecretSealer(std::string_view server_secret) {
  static_assert(sizeof key_ == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  if (server_secret.empty()) throw std::invalid_argument("the secret sealing key is empty");
  init_crypto();
  // BLAKE2b takes keys of at most 64 bytes: a longer secret is hashed down first.
  unsigned char master[crypto_generichash_KEYBYTES_MAX];
  std::size_t master_length = server_secret.size();
  if (master_length > sizeof master) {
    crypto_generichash(master, sizeof master, bytes(server_secret), server_secret.size(), nullptr,
                       0);
    master_length = sizeof master;
  } else {
    server_secret.copy(reinterpret_cast<char*>(master), master_length);
  }
  crypto_generichash(key_, sizeof key_, bytes(kKeyPurpose), kKeyPurpose.size(), master,
                     master_length);
  sodium_memzero(master, sizeof master);
}

SecretSealer::~SecretSealer() {
  sodium_memzero(key_, sizeof key_);
}

std::string SecretSealer::seal(std::string_view plaintext, std::string_view context) const {
  std::string box(kNonce + plaintext.size() + kTag, '\0');
  auto* out = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(out, kNonce);
  unsigned long long length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out + kNonce, &length, bytes(plaintext),
                                             plaintext.size(), bytes(context), context.size(),
                                             nullptr, out, key_);
  box.resize(kNonce + static_cast<std::size_t>(length));
  return std::string(kPrefix) + base64url_encode(box);
}

std::optional<std::string> SecretSealer::open(std::string_view sealed,
                                              std::string_view context) const {
  if (sealed.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  auto box = base64url_decode(sealed.substr(kPrefix.size()));
  if (!box || box->size() < kNonce + kTag) return std::nullopt;
  std::string plain(box->size() - kNonce - kTag, '\0');
  unsigned long long length = 0;
  const auto* in = bytes(*box);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &length, nullptr, in + kNonce,
          box->size() - kNonce, bytes(context), context.size(), in, key_) != 0) {
    return std::nullopt;
  }
  plain.resize(static_cast<std::size_t>(length));
  sodium_memzero(box->data(), box->size());
  return plain;
}

}  // namespace parley::auth

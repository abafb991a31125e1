#include "net/detail/tls13_records.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <cstring>

namespace parley::net::detail {
namespace {

constexpr unsigned char kApplicationData = 23;
constexpr unsigned char kAlert = 21;
constexpr unsigned char kHandshake = 22;
constexpr unsigned char kKeyUpdate = 24;

// Fetched once per process (an implicit fetch at every record would cost a lookup each).
const EVP_CIPHER* cipher_of(int suite) {
  static EVP_CIPHER* aes128 = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  static EVP_CIPHER* aes256 = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  static EVP_CIPHER* chacha = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
  return suite == 1 ? aes128 : suite == 2 ? aes256 : chacha;
}

// One cipher context per thread, keyed afresh for each record: no per-connection context.
EVP_CIPHER_CTX* thread_context() {
  struct Holder {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    ~Holder() { EVP_CIPHER_CTX_free(ctx); }
  };
  thread_local Holder holder;
  return holder.ctx;
}

// HKDF-Expand-Label(secret, label, "", length) of RFC 8446 §7.1.
bool expand_label(const char* digest, const unsigned char* secret, std::size_t secret_size,
                  std::string_view label, unsigned char* out, std::size_t length) {
  unsigned char info[2 + 1 + 6 + 32 + 1];
  std::size_t n = 0;
  info[n++] = static_cast<unsigned char>(length >> 8);
  info[n++] = static_cast<unsigned char>(length);
  info[n++] = static_cast<unsigned char>(6 + label.size());
  std::memcpy(info + n, "tls13 ", 6);
  n += 6;
  std::memcpy(info + n, label.data(), label.size());
  n += label.size();
  info[n++] = 0;  // empty context
  static EVP_KDF* hkdf = EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr);
  EVP_KDF_CTX* kctx = EVP_KDF_CTX_new(hkdf);
  if (!kctx) return false;
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<unsigned char*>(secret),
                                        secret_size),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode), OSSL_PARAM_construct_end()};
  const bool ok = EVP_KDF_derive(kctx, out, length, params) == 1;
  EVP_KDF_CTX_free(kctx);
  return ok;
}

void nonce_of(const std::array<unsigned char, 12>& iv, std::uint64_t sequence,
              unsigned char (&nonce)[12]) {
  std::memcpy(nonce, iv.data(), 12);
  for (int i = 0; i < 8; ++i) nonce[11 - i] ^= static_cast<unsigned char>(sequence >> (8 * i));
}

}  // namespace

Tls13Records::~Tls13Records() {
  OPENSSL_cleanse(&read_, sizeof read_);
  OPENSSL_cleanse(&write_, sizeof write_);
}

bool Tls13Records::init(std::uint16_t suite, std::string_view client_secret,
                        std::string_view server_secret) {
  switch (suite) {
    case 0x1301:
      suite_ = 1, hash_size_ = 32, key_size_ = 16;
      break;
    case 0x1302:
      suite_ = 2, hash_size_ = 48, key_size_ = 32;
      break;
    case 0x1303:
      suite_ = 3, hash_size_ = 32, key_size_ = 32;
      break;
    default:
      return false;
  }
  if (client_secret.size() != hash_size_ || server_secret.size() != hash_size_) return false;
  if (!cipher_of(suite_)) return false;
  std::memcpy(read_.secret.data(), client_secret.data(), hash_size_);
  std::memcpy(write_.secret.data(), server_secret.data(), hash_size_);
  return derive(read_) && derive(write_);
}

bool Tls13Records::derive(Direction& d) {
  const char* digest = hash_size_ == 48 ? "SHA384" : "SHA256";
  d.sequence = 0;
  return expand_label(digest, d.secret.data(), hash_size_, "key", d.key.data(), key_size_) &&
         expand_label(digest, d.secret.data(), hash_size_, "iv", d.iv.data(), 12);
}

bool Tls13Records::next_generation(Direction& d) {
  const char* digest = hash_size_ == 48 ? "SHA384" : "SHA256";
  std::array<unsigned char, 48> next{};
  if (!expand_label(digest, d.secret.data(), hash_size_, "traffic upd", next.data(), hash_size_))
    return false;
  d.secret = next;
  OPENSSL_cleanse(next.data(), next.size());
  ++d.generation;
  return derive(d);
}

long Tls13Records::record_size(std::string_view in) noexcept {
  if (in.size() < kHeader) return 0;
  const auto* h = reinterpret_cast<const unsigned char*>(in.data());
  // After the handshake every record is protected (opaque type application_data): a plaintext
  // alert or change_cipher_spec here is an error. The legacy version is ignored (§5.1).
  if (h[0] != kApplicationData) return -1;
  const std::size_t length = (std::size_t{h[3]} << 8) | h[4];
  if (length < 1 + kTag || length > kMaxRecord - kHeader) return -1;
  return in.size() < kHeader + length ? 0 : static_cast<long>(kHeader + length);
}

Tls13Records::Opened Tls13Records::open(char* record, std::size_t size) {
  auto* bytes = reinterpret_cast<unsigned char*>(record);
  unsigned char* body = bytes + kHeader;
  const int sealed = static_cast<int>(size - kHeader - kTag);
  unsigned char nonce[12];
  nonce_of(read_.iv, read_.sequence, nonce);
  EVP_CIPHER_CTX* ctx = thread_context();
  int n = 0;
  int tail = 0;
  const bool ok =
      EVP_DecryptInit_ex2(ctx, cipher_of(suite_), read_.key.data(), nonce, nullptr) == 1 &&
      EVP_DecryptUpdate(ctx, nullptr, &n, bytes, kHeader) == 1 &&
      EVP_DecryptUpdate(ctx, body, &n, body, sealed) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, kTag, body + sealed) == 1 &&
      EVP_DecryptFinal_ex(ctx, body + n, &tail) == 1;
  if (!ok) return {Kind::error, {}};  // bad_record_mac
  ++read_.sequence;
  // TLSInnerPlaintext: content, the real type, then zero padding.
  int end = sealed;
  while (end > 0 && body[end - 1] == 0) --end;
  if (end == 0) return {Kind::error, {}};
  const unsigned char type = body[end - 1];
  const std::size_t length = static_cast<std::size_t>(end - 1);
  if (length > kMaxPlaintext) return {Kind::error, {}};
  const std::string_view content(reinterpret_cast<char*>(body), length);
  if (type == kApplicationData) return {Kind::data, content};
  if (type == kAlert) {
    if (length == 2 && content[1] == 0) return {Kind::close_notify, {}};
    return {Kind::error, {}};  // any other alert ends the connection (user_canceled included)
  }
  if (type == kHandshake) {
    // Only KeyUpdate may follow the handshake from a client we asked nothing of, whole in one
    // record; anything else (or a fragment) is unexpected_message.
    if (length != 5 || static_cast<unsigned char>(content[0]) != kKeyUpdate || content[1] != 0 ||
        content[2] != 0 || content[3] != 1)
      return {Kind::error, {}};
    const auto request = static_cast<unsigned char>(content[4]);
    if (request > 1 || !next_generation(read_)) return {Kind::error, {}};
    return {Kind::key_update, {}, request == 1};
  }
  return {Kind::error, {}};
}

std::size_t Tls13Records::seal(std::uint8_t inner_type, const char* data, std::size_t size,
                               char* out) {
  auto* bytes = reinterpret_cast<unsigned char*>(out);
  const std::size_t length = size + 1 + kTag;
  bytes[0] = kApplicationData;
  bytes[1] = 3;
  bytes[2] = 3;
  bytes[3] = static_cast<unsigned char>(length >> 8);
  bytes[4] = static_cast<unsigned char>(length);
  unsigned char* body = bytes + kHeader;
  if (data != out + kHeader) std::memmove(body, data, size);
  body[size] = inner_type;
  unsigned char nonce[12];
  nonce_of(write_.iv, write_.sequence, nonce);
  EVP_CIPHER_CTX* ctx = thread_context();
  int n = 0;
  int tail = 0;
  const bool ok =
      EVP_EncryptInit_ex2(ctx, cipher_of(suite_), write_.key.data(), nonce, nullptr) == 1 &&
      EVP_EncryptUpdate(ctx, nullptr, &n, bytes, kHeader) == 1 &&
      EVP_EncryptUpdate(ctx, body, &n, body, static_cast<int>(size + 1)) == 1 &&
      EVP_EncryptFinal_ex(ctx, body + n, &tail) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, kTag, body + size + 1) == 1;
  if (!ok) return 0;
  ++write_.sequence;
  return kHeader + length;
}

std::size_t Tls13Records::seal_key_update(char* out) {
  const char message[5] = {static_cast<char>(kKeyUpdate), 0, 0, 1, 0};  // update_not_requested
  const std::size_t n = seal(kHandshake, message, sizeof message, out);
  if (n == 0 || !next_generation(write_)) return 0;
  return n;
}

std::size_t Tls13Records::seal_close_notify(char* out) {
  const char alert[2] = {1, 0};  // warning, close_notify
  return seal(kAlert, alert, sizeof alert, out);
}

}  // namespace parley::net::detail

#pragma once
// Memory-hard password (and access code) hashing with libsodium's argon2id. Slow on purpose:
// call only from a worker thread, never from a network thread.

#include <string>
#include <string_view>

namespace parley::auth {

// Initialises libsodium; call once at startup (idempotent, thread-safe). Throws on failure.
void init_crypto();

// crypto_pwhash_str output (argon2id, interactive limits).
std::string hash_password(std::string_view password);

bool verify_password(std::string_view hash, std::string_view password) noexcept;

}  // namespace parley::auth

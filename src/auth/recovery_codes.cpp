#include "auth/recovery_codes.hpp"

#include <sodium.h>

#include "auth/base32.hpp"
#include "auth/password.hpp"
#include "auth/tokens.hpp"

namespace parley::auth {

namespace {
constexpr std::size_t kCodeBytes = 10;  // 80 bits: 16 base32 characters
constexpr std::size_t kCodeChars = 16;
constexpr std::size_t kGroup = 4;
}  // namespace

std::vector<std::string> generate_recovery_codes(std::size_t count) {
  init_crypto();
  std::vector<std::string> codes;
  codes.reserve(count);
  while (codes.size() < count) {
    std::string raw(kCodeBytes, '\0');
    randombytes_buf(raw.data(), raw.size());
    std::string plain = base32_encode(raw);
    sodium_memzero(raw.data(), raw.size());
    std::string code;
    for (std::size_t i = 0; i < plain.size(); ++i) {
      if (i > 0 && i % kGroup == 0) code.push_back('-');
      char c = plain[i];
      code.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    bool repeated = false;
    for (const auto& earlier : codes) repeated = repeated || earlier == code;
    if (!repeated) codes.push_back(std::move(code));
  }
  return codes;
}

std::string recovery_code_hash(std::string_view typed) {
  std::string normal;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool base32 = (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
    if (!base32 || normal.size() >= kCodeChars) return {};
    normal.push_back(c);
  }
  if (normal.size() != kCodeChars) return {};
  return hash_token(normal);
}

}  // namespace parley::auth

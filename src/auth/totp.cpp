#include "auth/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <array>
#include <stdexcept>

#include "auth/password.hpp"

namespace parley::auth {

namespace {

bool is_code(std::string_view code) noexcept {
  if (code.size() != kTotpDigits) return false;
  for (char c : code)
    if (c < '0' || c > '9') return false;
  return true;
}

// RFC 3986 unreserved characters stay, everything else is %XX.
std::string uri_escape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::int64_t totp_step(std::int64_t now_ms) noexcept {
  std::int64_t seconds = now_ms >= 0 ? now_ms / 1000 : (now_ms - 999) / 1000;
  return seconds >= 0 ? seconds / kTotpStepSeconds
                      : (seconds - kTotpStepSeconds + 1) / kTotpStepSeconds;
}

std::string generate_totp_secret() {
  init_crypto();
  std::string key(kTotpSecretBytes, '\0');
  randombytes_buf(key.data(), key.size());
  return key;
}

std::string totp_code(std::string_view key, std::int64_t step) {
  std::array<unsigned char, 8> counter{};
  auto value = static_cast<std::uint64_t>(step);
  for (int i = 7; i >= 0; --i) {
    counter[static_cast<std::size_t>(i)] = static_cast<unsigned char>(value & 0xff);
    value >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_length = 0;
  if (HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), counter.data(), counter.size(),
           mac.data(), &mac_length) == nullptr ||
      mac_length != 20) {
    throw std::runtime_error("HMAC-SHA-1 failed");
  }
  // RFC 4226 section 5.3, dynamic truncation.
  const unsigned offset = mac[19] & 0x0f;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                               static_cast<std::uint32_t>(mac[offset + 3]);
  std::string code = std::to_string(binary % 1'000'000);
  sodium_memzero(mac.data(), mac.size());
  return std::string(kTotpDigits - code.size(), '0') + code;
}

std::optional<std::int64_t> match_totp(std::string_view key, std::string_view code,
                                       std::int64_t current_step, std::int64_t last_accepted_step) {
  // The format is public (six digits), so refusing anything else early leaks nothing.
  if (!is_code(code) || key.empty()) return std::nullopt;
  std::optional<std::int64_t> matched;
  for (std::int64_t step = current_step - kTotpWindow; step <= current_step + kTotpWindow; ++step) {
    const std::string expected = totp_code(key, step);
    const bool equal = sodium_memcmp(expected.data(), code.data(), kTotpDigits) == 0;
    // No early exit: every step is computed whatever matched before.
    if (equal && step > last_accepted_step && !matched) matched = step;
  }
  return matched;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view base32_secret) {
  std::string uri = "otpauth://totp/";
  uri += uri_escape(issuer);
  uri += ':';
  uri += uri_escape(account);
  uri += "?secret=";
  uri += base32_secret;
  uri += "&issuer=";
  uri += uri_escape(issuer);
  uri += "&algorithm=SHA1&digits=6&period=30";
  return uri;
}

}  // namespace parley::auth

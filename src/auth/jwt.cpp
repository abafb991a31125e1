#include "auth/jwt.hpp"

#include <sodium.h>

#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <limits>

#include "auth/base64url.hpp"
#include "auth/password.hpp"

namespace parley::auth {

namespace json = boost::json;

namespace {

constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";
// Far above any token we issue; stops absurd inputs before any decoding work.
constexpr std::size_t kMaxTokenLength = 8192;

using Mac = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

Mac hmac_sha256(std::string_view key, std::string_view data) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()),
                                data.size());
  Mac mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);
  return mac;
}

std::optional<json::object> parse_object(std::string_view encoded) {
  auto text = base64url_decode(encoded);
  if (!text) return std::nullopt;
  json::error_code ec;
  json::value value = json::parse(*text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

bool header_is_hs256(std::string_view encoded) {
  auto header = parse_object(encoded);
  if (!header) return false;
  const json::value* alg = header->if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->get_string() != "HS256") return false;
  const json::value* typ = header->if_contains("typ");
  return typ == nullptr || (typ->is_string() && typ->get_string() == "JWT");
}

std::optional<std::int64_t> integer(const json::object& claims, std::string_view key) {
  const json::value* v = claims.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= std::numeric_limits<std::int64_t>::max()) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  return std::nullopt;
}

std::optional<std::string> string(const json::object& claims, std::string_view key) {
  const json::value* v = claims.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

// A positive decimal int64 without sign, leading zeros or anything else ("sub", "sid").
std::optional<std::int64_t> positive_id(std::string_view sub) {
  if (sub.empty() || sub.front() == '0') return std::nullopt;
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(sub.data(), sub.data() + sub.size(), id);
  if (ec != std::errc() || end != sub.data() + sub.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace

JwtCodec::JwtCodec(std::string secret) : secret_(std::move(secret)) {
  init_crypto();
}

std::string JwtCodec::issue(const AccessClaims& claims) const {
  json::object payload;
  payload["sub"] = std::to_string(claims.user_id);
  payload["name"] = claims.username;
  payload["role"] = claims.role;
  payload["iat"] = claims.issued_at;
  payload["exp"] = claims.expires_at;
  payload["sid"] = std::to_string(claims.session_id);
  std::string token = base64url_encode(kHeader);
  token += '.';
  token += base64url_encode(json::serialize(payload));
  Mac mac = hmac_sha256(secret_, token);
  token += '.';
  token +=
      base64url_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  return token;
}

std::optional<AccessClaims> JwtCodec::verify(std::string_view token,
                                             std::int64_t now_seconds) const {
  try {
    if (token.size() > kMaxTokenLength) return std::nullopt;
    std::size_t first = token.find('.');
    if (first == std::string_view::npos) return std::nullopt;
    std::size_t second = token.find('.', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    if (token.find('.', second + 1) != std::string_view::npos) return std::nullopt;

    // The algorithm is pinned before anything else is trusted.
    if (!header_is_hs256(token.substr(0, first))) return std::nullopt;

    auto signature = base64url_decode(token.substr(second + 1));
    if (!signature || signature->size() != crypto_auth_hmacsha256_BYTES) return std::nullopt;
    Mac expected = hmac_sha256(secret_, token.substr(0, second));
    if (sodium_memcmp(expected.data(), signature->data(), expected.size()) != 0) {
      return std::nullopt;
    }

    // Only now, with the signature checked, are the claims parsed.
    auto claims = parse_object(token.substr(first + 1, second - first - 1));
    if (!claims) return std::nullopt;
    auto sub = string(*claims, "sub");
    auto name = string(*claims, "name");
    auto role = string(*claims, "role");
    auto iat = integer(*claims, "iat");
    auto exp = integer(*claims, "exp");
    auto sid = string(*claims, "sid");
    if (!sub || !name || !role || !iat || !exp || !sid) return std::nullopt;
    auto id = positive_id(*sub);
    auto session = positive_id(*sid);
    if (!id || !session) return std::nullopt;
    if (now_seconds >= *exp) return std::nullopt;
    if (*iat > now_seconds + kMaxIssuedAheadSeconds) return std::nullopt;
    // `nbf` is optional, but when present it must be a time, and not a future one.
    if (claims->contains("nbf")) {
      auto nbf = integer(*claims, "nbf");
      if (!nbf || *nbf > now_seconds) return std::nullopt;
    }
    return AccessClaims{*id, std::move(*name), std::move(*role), *iat, *exp, *session};
  } catch (...) {
    return std::nullopt;  // allocation failure: treat like any bad token
  }
}

}  // namespace parley::auth

// libFuzzer target for the account-security code that reads what clients send: TOTP codes,
// recovery codes, base32 secrets, sealed secrets, the WebSocket subprotocol list, and the session
// revocation registry. The first byte picks the part; the rest is its input.
// Invariants (std::abort when broken):
// - match_totp accepts only six ASCII digits, and only a step within the window, after the last
//   accepted one, whose code it is;
// - base32_decode of anything either fails or re-encodes to the same letters (case, spaces and
//   padding aside); recovery_code_hash is empty or 64 hex digits, and empty for non-codes;
// - SecretSealer::open never opens a value it did not seal (fuzzed text), and opens every value it
//   sealed under the same context, only under that one;
// - parse_subprotocols' token never holds a comma and parley_v1 means an exact entry;
// - SessionRegistry agrees with a plain model under any sequence of operations.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "auth/base32.hpp"
#include "auth/recovery_codes.hpp"
#include "auth/secret_sealer.hpp"
#include "auth/totp.hpp"
#include "http/ws_subprotocols.hpp"
#include "realtime/session_registry.hpp"

namespace {

using namespace parley;

void check(bool ok) {
  if (!ok) std::abort();
}

const std::string kKey = "12345678901234567890";

void fuzz_totp(std::string_view input) {
  // Two bytes of "clock" and of "last accepted step", then the code.
  if (input.size() < 2) return;
  const std::int64_t now = 50'000'000 + static_cast<unsigned char>(input[0]);
  const std::int64_t last = now - 2 + static_cast<unsigned char>(input[1]) % 5;
  std::string_view code = input.substr(2);
  auto step = auth::match_totp(kKey, code, now, last);
  if (!step) return;
  check(code.size() == 6);
  for (char c : code) check(c >= '0' && c <= '9');
  check(*step >= now - auth::kTotpWindow && *step <= now + auth::kTotpWindow && *step > last);
  check(auth::totp_code(kKey, *step) == code);
}

std::string canonical_base32(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '=') continue;
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

void fuzz_codes(std::string_view input) {
  if (auto bytes = auth::base32_decode(input)) {
    std::string trimmed(input);
    while (!trimmed.empty() && trimmed.back() == '=') trimmed.pop_back();
    // Padding is only accepted at the end, so the letters are all that is left to compare.
    if (trimmed.find('=') == std::string::npos)
      check(auth::base32_encode(*bytes) == canonical_base32(trimmed));
  }
  std::string hash = auth::recovery_code_hash(input);
  if (hash.empty()) return;
  check(hash.size() == 64);
  std::size_t letters = 0;
  for (char c : input) {
    if (c == '-' || c == ' ') continue;
    check((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'));
    ++letters;
  }
  check(letters == 16);
}

void fuzz_sealer(std::string_view input) {
  static const auth::SecretSealer sealer("fuzz-sealing-secret-0123456789abcdef");
  check(!sealer.open(input, "ctx"));  // the fuzzer cannot forge a Poly1305 tag
  std::string sealed = sealer.seal(input, "ctx");
  auto opened = sealer.open(sealed, "ctx");
  check(opened && *opened == input);
  check(!sealer.open(sealed, "ctx2"));
}

void fuzz_subprotocols(std::string_view input) {
  std::vector<std::string_view> headers;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= input.size(); ++i) {
    if (i == input.size() || input[i] == '\n') {
      headers.push_back(input.substr(start, i - start));
      start = i + 1;
    }
  }
  auto offered = http::parse_subprotocols(headers);
  if (offered.token) check(offered.token->find(',') == std::string::npos);
  if (offered.parley_v1) {
    bool exact = false;
    for (auto h : headers) {
      std::size_t from = 0;
      while (from <= h.size()) {
        std::size_t comma = h.find(',', from);
        std::string_view entry =
            h.substr(from, comma == std::string_view::npos ? h.npos : comma - from);
        while (!entry.empty() && (entry.front() == ' ' || entry.front() == '\t'))
          entry.remove_prefix(1);
        while (!entry.empty() && (entry.back() == ' ' || entry.back() == '\t'))
          entry.remove_suffix(1);
        exact = exact || entry == http::kParleySubprotocol;
        if (comma == std::string_view::npos) break;
        from = comma + 1;
      }
    }
    check(exact);
  }
}

void fuzz_registry(std::string_view input) {
  // Each 3 bytes: operation, session (0..15), user (0..3). Time moves one retention tick per op.
  constexpr std::int64_t kRetention = 10;
  realtime::SessionRegistry registry(kRetention, 8);
  std::map<std::int64_t, std::int64_t> ended;  // session -> ended at
  std::map<std::int64_t, std::int64_t> live;   // session -> user (may be forgotten when full)
  std::int64_t now = 1000;
  for (std::size_t i = 0; i + 3 <= input.size(); i += 3) {
    const int op = static_cast<unsigned char>(input[i]) % 3;
    const std::int64_t session = static_cast<unsigned char>(input[i + 1]) % 16;
    const std::int64_t user = static_cast<unsigned char>(input[i + 2]) % 4;
    now += static_cast<unsigned char>(input[i]) / 3 % 4;
    switch (op) {
      case 0: {
        registry.remember_live(session, user);
        auto e = ended.find(session);
        if (e == ended.end() || e->second <= now - kRetention) live[session] = user;
        break;
      }
      case 1: {
        const std::int64_t one = session;
        registry.mark_ended({&one, 1}, now, now);
        ended.try_emplace(session, now);
        live.erase(session);
        break;
      }
      default: {
        auto status = registry.status(session, user);
        auto e = ended.find(session);
        bool recently_ended = e != ended.end() && e->second > now - kRetention;
        if (recently_ended) check(status == realtime::SessionRegistry::Status::refused);
        // Never live unless remembered for this user and not ended since.
        if (status == realtime::SessionRegistry::Status::live)
          check(!recently_ended && live.contains(session) && live[session] == user);
        break;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      fuzz_totp(input);
      break;
    case 1:
      fuzz_codes(input);
      break;
    case 2:
      fuzz_sealer(input);
      break;
    case 3:
      fuzz_subprotocols(input);
      break;
    default:
      fuzz_registry(input);
      break;
  }
  return 0;
}

#include "http/second_factor.hpp"

#include <limits>

#include "auth/recovery_codes.hpp"
#include "auth/totp.hpp"
#include "common/clock.hpp"
#include "observability/log.hpp"

namespace parley::http {

std::string totp_seal_context(std::int64_t user_id) {
  return "parley totp secret of user " + std::to_string(user_id);
}

bool accept_second_factor(Api& api, std::int64_t user_id, const store::TotpState& state,
                          std::string_view code) {
  auto& store = api.services().store;
  if (code.size() == auth::kTotpDigits) {
    if (!state.secret) return false;
    auto key = api.settings().totp_sealer->open(*state.secret, totp_seal_context(user_id));
    if (!key) {
      // Sealed under another key: --totp-key (or the JWT secret it defaults to) changed.
      obs::log_error("two-factor secret cannot be opened; was the sealing key changed?",
                     {obs::field("user_id", user_id)});
      return false;
    }
    auto step = auth::match_totp(*key, code, auth::totp_step(now_ms()), state.last_step);
    // The store spends the step atomically: of two logins racing with one code, one wins.
    return step && store.accept_totp_step(user_id, *step);
  }
  std::string hash = auth::recovery_code_hash(code);
  return !hash.empty() && store.use_recovery_code(user_id, hash, now_ms());
}

}  // namespace parley::http

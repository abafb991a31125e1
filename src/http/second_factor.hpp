#pragma once
// The second factor of an account with two-factor on: a current TOTP code or a recovery code.

#include <cstdint>
#include <string>
#include <string_view>

#include "http/api.hpp"
#include "store/records.hpp"

namespace parley::http {

// What seals a user's TOTP secret to that user (associated data of SecretSealer).
std::string totp_seal_context(std::int64_t user_id);

// Accepts and spends `code` for the user: a TOTP code of the current step (±1) not older than the
// last one accepted, or an unused recovery code. false when it is neither (the caller counts the
// failure). Blocking (store).
bool accept_second_factor(Api& api, std::int64_t user_id, const store::TotpState& state,
                          std::string_view code);

}  // namespace parley::http

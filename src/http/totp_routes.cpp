// v1.1 two-factor: POST /api/me/totp (start enrolment), POST /api/me/totp/confirm (turn on, get
// recovery codes), DELETE /api/me/totp (turn off); and GET /api/me/totp (whether it is on, an
// addition for the settings page).

#include <boost/json.hpp>

#include <limits>

#include "auth/base32.hpp"
#include "auth/recovery_codes.hpp"
#include "auth/totp.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"
#include "http/api.hpp"
#include "http/second_factor.hpp"

namespace parley::http {
namespace json = boost::json;
namespace {

void status(Api& api, const ExchangePtr& ex) {
  const auto& claims = require_user(ex);
  auto state = api.services().store.totp_state(claims.user_id);
  ex->reply(200, json::object{{"enabled", state && state->secret.has_value()}});
}

void start_enrolment(Api& api, const ExchangePtr& ex) {
  const auto& claims = require_user(ex);
  auto& store = api.services().store;
  auto user = store.find_user(claims.user_id);
  if (!user) throw ApiError(ErrorCode::unauthorized, "unknown user");
  // While it is on, the secret in force stays: turn it off (with a code) to enrol again.
  if (auto state = store.totp_state(user->id); state && state->secret)
    throw ApiError(ErrorCode::conflict, "two-factor is on already; turn it off first");
  std::string secret = auth::generate_totp_secret();
  std::string sealed = api.settings().totp_sealer->seal(secret, totp_seal_context(user->id));
  if (!store.set_pending_totp(user->id, sealed))
    throw ApiError(ErrorCode::conflict, "two-factor is on already; turn it off first");
  std::string base32 = auth::base32_encode(secret);
  const std::string& issuer = api.settings().totp_issuer;
  ex->reply(200, json::object{{"secret", base32},
                              {"otpauth_uri", auth::otpauth_uri(issuer, user->username, base32)}});
}

void confirm_enrolment(Api& api, const ExchangePtr& ex) {
  const auto& claims = require_user(ex);
  auto body = ex->json_body();
  auto code = string_field(body, "code");
  auto& store = api.services().store;
  auto state = store.totp_state(claims.user_id);
  if (!state || !state->pending_secret)
    throw ApiError(ErrorCode::conflict, state && state->secret
                                            ? "two-factor is on already"
                                            : "no two-factor enrolment to confirm; start one");
  auto key =
      api.settings().totp_sealer->open(*state->pending_secret, totp_seal_context(claims.user_id));
  if (!key) throw ApiError(ErrorCode::conflict, "the enrolment cannot be read; start again");
  auto step = auth::match_totp(*key, code, auth::totp_step(now_ms()),
                               std::numeric_limits<std::int64_t>::min());
  if (!step) throw ApiError(ErrorCode::unauthorized, "wrong two-factor code");
  auto codes = auth::generate_recovery_codes();
  std::vector<std::string> hashes;
  for (const auto& c : codes) hashes.push_back(auth::recovery_code_hash(c));
  // The confirming code is spent: the step is the last accepted one.
  if (!store.enable_totp(claims.user_id, *state->pending_secret, *step, hashes))
    throw ApiError(ErrorCode::conflict, "the enrolment changed meanwhile; start again");
  json::array shown;
  for (auto& c : codes) shown.emplace_back(std::move(c));
  ex->reply(200, json::object{{"recovery_codes", std::move(shown)}});
}

void disable(Api& api, const ExchangePtr& ex) {
  const auto& claims = require_user(ex);
  auto body = ex->json_body();
  auto code = string_field(body, "code");
  auto& store = api.services().store;
  auto user = store.find_user(claims.user_id);
  if (!user) throw ApiError(ErrorCode::unauthorized, "unknown user");
  // A code is a credential: guessing it here is throttled like guessing it at login.
  std::string key = fold_case(user->username);
  const std::string& address = ex->request().remote_address;
  if (int wait = api.login_throttle().retry_after(key, address, now_ms()); wait > 0)
    throw ApiError(ErrorCode::rate_limited, "too many failed attempts; try again later", wait);
  auto state = store.totp_state(user->id);
  if (!state || !state->secret) throw ApiError(ErrorCode::conflict, "two-factor is off");
  if (!accept_second_factor(api, user->id, *state, code)) {
    api.login_throttle().record_failure(key, address, now_ms());
    throw ApiError(ErrorCode::unauthorized, "wrong two-factor code");
  }
  store.disable_totp(user->id);
  ex->reply_no_content();
}

}  // namespace

void add_totp_routes(Api& api) {
  api.add_endpoint("GET", "/api/me/totp", status);
  api.add_endpoint("POST", "/api/me/totp", start_enrolment);
  api.add_endpoint("POST", "/api/me/totp/confirm", confirm_enrolment);
  api.add_endpoint("DELETE", "/api/me/totp", disable);
}

}  // namespace parley::http

// POST /api/auth/register, /login, /refresh, /logout and GET /api/me.

#include <boost/json.hpp>

#include "auth/password.hpp"
#include "auth/tokens.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"
#include "http/api.hpp"
#include "http/second_factor.hpp"
#include "http/session_tokens.hpp"
#include "protocol/encode.hpp"
#include "protocol/validation.hpp"

namespace parley::http {
namespace json = boost::json;
namespace {

// A dummy hash verified when the username is unknown, so both failures cost the same time.
const std::string& dummy_hash() {
  static const std::string hash = auth::hash_password("parley-timing-equaliser");
  return hash;
}

void register_user(Api& api, const ExchangePtr& ex) {
  auto body = ex->json_body();
  auto username = string_field(body, "username");
  auto password = string_field(body, "password");
  if (auto e = protocol::check_username(username)) throw ApiError(ErrorCode::bad_request, *e);
  if (auto e = protocol::check_password(password)) throw ApiError(ErrorCode::bad_request, *e);
  if (api.services().store.find_user_by_name(username))
    throw ApiError(ErrorCode::conflict, "username '" + username + "' is taken");
  auto user = api.services().store.create_user(username, auth::hash_password(password), now_ms());
  if (!user) throw ApiError(ErrorCode::conflict, "username '" + username + "' is taken");
  ex->reply(201, start_session(api, *ex, *user));
}

void login(Api& api, const ExchangePtr& ex) {
  auto body = ex->json_body();
  auto username = string_field(body, "username");
  auto password = string_field(body, "password");
  auto code = optional_string_field(body, "totp");
  std::string key = fold_case(username);
  const std::string& address = ex->request().remote_address;
  if (int wait = api.login_throttle().retry_after(key, address, now_ms()); wait > 0)
    throw ApiError(ErrorCode::rate_limited, "too many failed logins; try again later", wait);
  auto& store = api.services().store;
  auto credentials = username.size() <= 128 ? store.find_credentials(username) : std::nullopt;
  bool ok = credentials ? auth::verify_password(credentials->password_hash, password)
                        : (auth::verify_password(dummy_hash(), password), false);
  if (!ok) {
    api.login_throttle().record_failure(key, address, now_ms());
    throw ApiError(ErrorCode::unauthorized, "wrong username or password");
  }
  // Only after the right password: nothing below tells a guesser anything about a password.
  const domain::User& user = credentials->user;
  if (user.deactivated) throw ApiError(ErrorCode::unauthorized, "account deactivated");
  if (auto totp = store.totp_state(user.id); totp && totp->secret) {
    // Asking for the code is not a failure, but not a success either: it must not clear the
    // failures that wrong codes count.
    if (!code || code->empty())
      throw ApiError(ErrorCode::totp_required, "two-factor code required");
    if (!accept_second_factor(api, user.id, *totp, *code)) {
      api.login_throttle().record_failure(key, address, now_ms());
      throw ApiError(ErrorCode::unauthorized, "wrong two-factor code");
    }
  }
  api.login_throttle().record_success(key);
  ex->reply(200, start_session(api, *ex, user));
}

void refresh(Api& api, const ExchangePtr& ex) {
  auto body = ex->json_body();
  auto token = string_field(body, "refresh_token");
  auto& store = api.services().store;
  std::string next = auth::random_token(32);
  auto result =
      store.rotate_refresh_token(auth::hash_token(token), auth::hash_token(next), now_ms(),
                                 now_ms() + api.settings().refresh_token_ttl_s * 1000);
  if (result.status == store::RotateStatus::reused) {
    if (result.session_id != 0)
      api.services().hub.end_sessions(result.user_id, {result.session_id});
    throw ApiError(ErrorCode::unauthorized, "refresh token already used; session revoked");
  }
  if (result.status != store::RotateStatus::rotated)
    throw ApiError(ErrorCode::unauthorized, "invalid or expired refresh token");
  auto user = store.find_user(result.user_id);
  if (!user || user->deactivated) throw ApiError(ErrorCode::unauthorized, "unknown user");
  ex->reply(200, token_reply(api, *user, next, result.session_id));
}

void logout(Api& api, const ExchangePtr& ex) {
  auto body = ex->json_body();
  auto token = string_field(body, "refresh_token");
  bool everywhere = optional_bool_field(body, "everywhere", false);
  auto& store = api.services().store;
  auto& hub = api.services().hub;
  auto ended = store.revoke_refresh_token(auth::hash_token(token), now_ms());
  if (ended && ended->id != 0) hub.end_sessions(ended->user_id, {ended->id});
  if (!everywhere) {
    ex->reply_no_content();
    return;
  }
  // Everywhere: the refresh token's user, or else the caller of a valid access token.
  std::int64_t user_id = ended ? ended->user_id : ex->claims ? ex->claims->user_id : 0;
  if (user_id != 0) hub.end_sessions(user_id, store.end_sessions(user_id, 0, now_ms()));
  ex->reply_no_content();
}

void me(Api& api, const ExchangePtr& ex) {
  const auto& claims = require_user(ex);
  auto user = api.services().store.find_user(claims.user_id);
  if (!user) throw ApiError(ErrorCode::unauthorized, "unknown user");
  ex->reply(200, json::object{{"user", protocol::user_json(*user)}});
}

}  // namespace

void add_auth_routes(Api& api) {
  api.add_endpoint("POST", "/api/auth/register", register_user);
  api.add_endpoint("POST", "/api/auth/login", login);
  api.add_endpoint("POST", "/api/auth/refresh", refresh);
  api.add_endpoint("POST", "/api/auth/logout", logout);
  api.add_endpoint("GET", "/api/me", me);
}

}  // namespace parley::http

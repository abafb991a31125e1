// POST /api/auth/register, /login, /refresh, /logout and GET /api/me.

#include <boost/json.hpp>

#include "auth/password.hpp"
#include "auth/tokens.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"
#include "http/api.hpp"
#include "protocol/encode.hpp"
#include "protocol/validation.hpp"

namespace parley::http {
namespace json = boost::json;
namespace {

// The register/login/refresh reply: a fresh access token next to `refresh_token`.
json::object token_reply(Api& api, const domain::User& user, const std::string& refresh_token) {
  std::int64_t now_s = now_ms() / 1000;
  auth::AccessClaims claims{user.id, user.username, user.role, now_s,
                            now_s + api.settings().access_token_ttl_s};
  return {{"user", protocol::user_json(user)},
          {"access_token", api.services().jwt.issue(claims)},
          {"refresh_token", refresh_token},
          {"token_type", "Bearer"},
          {"expires_in", api.settings().access_token_ttl_s}};
}

// Starts a new refresh-token family for a fresh session.
json::object new_session(Api& api, const domain::User& user) {
  std::string refresh = auth::random_token(32);
  api.services().store.insert_refresh_token(auth::hash_token(refresh), user.id,
                                            auth::random_token(16),
                                            now_ms() + api.settings().refresh_token_ttl_s * 1000);
  return token_reply(api, user, refresh);
}

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
  ex->reply(201, new_session(api, *user));
}

void login(Api& api, const ExchangePtr& ex) {
  auto body = ex->json_body();
  auto username = string_field(body, "username");
  auto password = string_field(body, "password");
  std::string key = fold_case(username);
  const std::string& address = ex->request().remote_address;
  if (int wait = api.login_throttle().retry_after(key, address, now_ms()); wait > 0)
    throw ApiError(ErrorCode::rate_limited, "too many failed logins; try again later", wait);
  auto credentials =
      username.size() <= 128 ? api.services().store.find_credentials(username) : std::nullopt;
  bool ok = credentials ? auth::verify_password(credentials->password_hash, password)
                        : (auth::verify_password(dummy_hash(), password), false);
  if (!ok) {
    api.login_throttle().record_failure(key, address, now_ms());
    throw ApiError(ErrorCode::unauthorized, "wrong username or password");
  }
  api.login_throttle().record_success(key);
  ex->reply(200, new_session(api, credentials->user));
}

void refresh(Api& api, const ExchangePtr& ex) {
  auto body = ex->json_body();
  auto token = string_field(body, "refresh_token");
  auto& store = api.services().store;
  std::string next = auth::random_token(32);
  auto result =
      store.rotate_refresh_token(auth::hash_token(token), auth::hash_token(next), now_ms(),
                                 now_ms() + api.settings().refresh_token_ttl_s * 1000);
  if (result.status == store::RotateStatus::reused)
    throw ApiError(ErrorCode::unauthorized, "refresh token already used; session revoked");
  if (result.status != store::RotateStatus::rotated)
    throw ApiError(ErrorCode::unauthorized, "invalid or expired refresh token");
  auto user = store.find_user(result.user_id);
  if (!user) throw ApiError(ErrorCode::unauthorized, "unknown user");
  ex->reply(200, token_reply(api, *user, next));
}

void logout(Api& api, const ExchangePtr& ex) {
  auto body = ex->json_body();
  auto token = string_field(body, "refresh_token");
  api.services().store.revoke_refresh_token(auth::hash_token(token));
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

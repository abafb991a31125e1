// v1.1 sessions and password: GET /api/me/sessions, DELETE /api/me/sessions/{id},
// POST /api/me/password.

#include <boost/json.hpp>

#include "auth/password.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"
#include "http/api.hpp"
#include "protocol/validation.hpp"

namespace parley::http {
namespace json = boost::json;
namespace {

json::object session_json(const store::Session& s, std::int64_t current) {
  return {{"id", s.id},
          {"created_at", format_rfc3339_ms(s.created_at_ms)},
          {"last_used_at", format_rfc3339_ms(s.last_used_at_ms)},
          {"user_agent", s.user_agent},
          {"ip", s.ip},
          {"current", s.id == current}};
}

void list_sessions(Api& api, const ExchangePtr& ex) {
  const auto& claims = require_user(ex);
  json::array sessions;
  for (const auto& s : api.services().store.live_sessions(claims.user_id, now_ms()))
    sessions.push_back(session_json(s, claims.session_id));
  ex->reply(200, json::object{{"sessions", std::move(sessions)}});
}

void end_session(Api& api, const ExchangePtr& ex) {
  const auto& claims = require_user(ex);
  std::int64_t session_id = ex->id_param(0);
  // Another user's session, or one that has ended, is no session of the caller's.
  if (!api.services().store.end_session(claims.user_id, session_id, now_ms()))
    throw ApiError(ErrorCode::not_found, "no session " + std::to_string(session_id));
  api.services().hub.end_sessions(claims.user_id, {session_id});
  ex->reply_no_content();
}

void change_password(Api& api, const ExchangePtr& ex) {
  const auto claims = require_user(ex);
  auto body = ex->json_body();
  auto current = string_field(body, "current");
  auto next = string_field(body, "new");
  if (auto e = protocol::check_password(next)) throw ApiError(ErrorCode::bad_request, "new: " + *e);
  auto& store = api.services().store;
  auto credentials = store.credentials_of(claims.user_id);
  if (!credentials) throw ApiError(ErrorCode::unauthorized, "unknown user");
  // A wrong current password is a wrong login: the same throttle, per username and address.
  std::string key = fold_case(credentials->user.username);
  const std::string& address = ex->request().remote_address;
  if (int wait = api.login_throttle().retry_after(key, address, now_ms()); wait > 0)
    throw ApiError(ErrorCode::rate_limited, "too many failed attempts; try again later", wait);
  if (!auth::verify_password(credentials->password_hash, current)) {
    api.login_throttle().record_failure(key, address, now_ms());
    throw ApiError(ErrorCode::unauthorized, "wrong current password");
  }
  store.set_password_hash(claims.user_id, auth::hash_password(next));
  // Whoever else held a session (perhaps the reason for the change) is out.
  api.services().hub.end_sessions(claims.user_id,
                                  store.end_sessions(claims.user_id, claims.session_id, now_ms()));
  ex->reply_no_content();
}

}  // namespace

void add_session_routes(Api& api) {
  api.add_endpoint("GET", "/api/me/sessions", list_sessions);
  api.add_endpoint("DELETE", "/api/me/sessions/{}", end_session);
  api.add_endpoint("POST", "/api/me/password", change_password);
}

}  // namespace parley::http

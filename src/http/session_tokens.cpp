#include "http/session_tokens.hpp"

#include "auth/tokens.hpp"
#include "common/clock.hpp"
#include "protocol/encode.hpp"

namespace parley::http {

namespace json = boost::json;

json::object token_reply(Api& api, const domain::User& user, const std::string& refresh_token,
                         std::int64_t session_id) {
  std::int64_t now_s = now_ms() / 1000;
  auth::AccessClaims claims{
      user.id,   user.username, user.role, now_s, now_s + api.settings().access_token_ttl_s,
      session_id};
  return {{"user", protocol::user_json(user)},
          {"access_token", api.services().jwt.issue(claims)},
          {"refresh_token", refresh_token},
          {"token_type", "Bearer"},
          {"expires_in", api.settings().access_token_ttl_s}};
}

json::object start_session(Api& api, const Exchange& exchange, const domain::User& user) {
  std::string refresh = auth::random_token(32);
  store::NewSession session{user.id,
                            auth::hash_token(refresh),
                            auth::random_token(16),
                            sanitize_user_agent(exchange.request().header("User-Agent")),
                            exchange.request().remote_address,
                            now_ms() + api.settings().refresh_token_ttl_s * 1000};
  std::int64_t id = api.services().store.create_session(session, now_ms());
  if (id == 0) throw ApiError(ErrorCode::unauthorized, "account deactivated");
  api.services().hub.sessions().remember_live(id, user.id);
  return token_reply(api, user, refresh, id);
}

std::string sanitize_user_agent(std::string_view user_agent) {
  std::string out(user_agent.substr(0, kMaxUserAgentBytes));
  for (char& c : out)
    if (c < 0x20 || c > 0x7e) c = '?';
  return out;
}

}  // namespace parley::http

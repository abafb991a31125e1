// POST /api/publish: backend services push notification events to a room, a user, a list of users
// or a role. Authenticated by a configured API key or an admin's access token.

#include <boost/json.hpp>

#include "auth/tokens.hpp"
#include "common/clock.hpp"
#include "http/admin_access.hpp"
#include "http/api.hpp"
#include "observability/metrics.hpp"
#include "realtime/publish.hpp"

namespace parley::http {
namespace json = boost::json;
namespace {

// Compares against every key without stopping early, so timing tells nothing about which matched.
bool matches_api_key(const std::vector<ApiKeyEntry>& keys, std::string_view presented) {
  bool match = false;
  for (const auto& k : keys) match |= auth::constant_time_equals(k.key, presented);
  return match;
}

void authorize(Api& api, const ExchangePtr& ex) {
  std::string_view presented = bearer_token(ex->request());
  if (presented.empty()) throw ApiError(ErrorCode::unauthorized, "missing API key");
  if (matches_api_key(api.reloadable()->api_keys, presented)) return;
  if (ex->claims) {
    require_admin(api, ex);
    return;
  }
  throw ApiError(ErrorCode::unauthorized, "invalid API key");
}

void publish(Api& api, const ExchangePtr& ex) {
  authorize(api, ex);
  auto parsed = protocol::parse_publish_request(ex->json_body());
  if (auto* error = std::get_if<std::string>(&parsed))
    throw ApiError(ErrorCode::bad_request, *error);
  const std::size_t delivered =
      realtime::publish(api.services().hub, std::get<protocol::PublishRequest>(parsed), now_ms());
  obs::metrics().publish_events.add();
  ex->reply(202, json::object{{"delivered", delivered}});
}

}  // namespace

void add_publish_routes(Api& api) {
  api.add_endpoint("POST", "/api/publish", publish);
}

}  // namespace parley::http

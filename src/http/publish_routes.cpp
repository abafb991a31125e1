// POST /api/publish: backend services push notification events to a room, a user, a list of users
// or a role. Authenticated by a configured API key or an admin's access token.

#include <algorithm>
#include <boost/json.hpp>

#include "auth/tokens.hpp"
#include "common/clock.hpp"
#include "http/admin_access.hpp"
#include "http/api.hpp"
#include "observability/metrics.hpp"
#include "protocol/encode.hpp"
#include "protocol/validation.hpp"

namespace parley::http {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxUsers = 1000;
constexpr std::size_t kMaxDataBytes = 64 * 1024;

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
  auto body = ex->json_body();
  auto event = string_field(body, "event");
  if (auto e = protocol::check_event_name(event)) throw ApiError(ErrorCode::bad_request, *e);
  const json::value* data = body.if_contains("data");
  std::string data_json = "{}";
  if (data != nullptr) {
    if (!data->is_object())
      throw ApiError(ErrorCode::bad_request, "field 'data' must be a JSON object");
    if (!protocol::all_numbers_finite(*data))
      throw ApiError(ErrorCode::bad_request, "field 'data' holds a number out of range");
    data_json = json::serialize(*data);
    if (data_json.size() > kMaxDataBytes)
      throw ApiError(ErrorCode::bad_request, "field 'data' must be at most 64 KiB");
  }
  int targets = 0;
  for (auto name : {"room", "user", "users", "role"}) targets += body.contains(name) ? 1 : 0;
  if (targets != 1)
    throw ApiError(ErrorCode::bad_request, "give exactly one of 'room', 'user', 'users', 'role'");

  auto frame = net::make_text_frame(protocol::notification_frame(event, data_json, now_ms()));
  auto& hub = api.services().hub;
  std::size_t delivered = 0;
  if (const json::value* room = body.if_contains("room")) {
    auto id = protocol::as_id(*room);
    if (!id) throw ApiError(ErrorCode::bad_request, "field 'room' must be a room id");
    delivered = hub.publish_notification_to_room(*id, frame);
  } else if (const json::value* user = body.if_contains("user")) {
    auto id = protocol::as_id(*user);
    if (!id) throw ApiError(ErrorCode::bad_request, "field 'user' must be a user id");
    delivered = hub.publish_to_users({*id}, frame);
  } else if (const json::value* users = body.if_contains("users")) {
    if (!users->is_array() || users->as_array().empty() || users->as_array().size() > kMaxUsers)
      throw ApiError(ErrorCode::bad_request,
                     "field 'users' must be an array of 1 to 1000 user ids");
    std::vector<std::int64_t> ids;
    for (const auto& v : users->as_array()) {
      auto id = protocol::as_id(v);
      if (!id) throw ApiError(ErrorCode::bad_request, "field 'users' must hold user ids only");
      ids.push_back(*id);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    delivered = hub.publish_to_users(ids, frame);
  } else {
    const json::value* role = body.if_contains("role");
    if (!role->is_string() || (role->get_string() != "admin" && role->get_string() != "user"))
      throw ApiError(ErrorCode::bad_request, "field 'role' must be \"admin\" or \"user\"");
    delivered = hub.publish_to_role(std::string(role->get_string()), frame);
  }
  obs::metrics().publish_events.add();
  ex->reply(202, json::object{{"delivered", delivered}});
}

}  // namespace

void add_publish_routes(Api& api) {
  api.add_endpoint("POST", "/api/publish", publish);
}

}  // namespace parley::http

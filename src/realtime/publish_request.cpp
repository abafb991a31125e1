#include "realtime/publish_request.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "protocol/encode.hpp"
#include "protocol/validation.hpp"

namespace parley::realtime {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxUsers = 1000;
constexpr std::size_t kMaxDataBytes = 64 * 1024;

}  // namespace

std::variant<PublishRequest, std::string> parse_publish_request(const json::object& body) {
  PublishRequest out;
  const json::value* event = body.if_contains("event");
  if (event == nullptr || event->is_null()) return std::string("missing field 'event'");
  if (!event->is_string()) return std::string("field 'event' must be a string");
  out.event = std::string(event->get_string());
  if (auto e = protocol::check_event_name(out.event)) return *e;
  if (const json::value* data = body.if_contains("data")) {
    if (!data->is_object()) return std::string("field 'data' must be a JSON object");
    if (!protocol::all_numbers_finite(*data))
      return std::string("field 'data' holds a number out of range");
    out.data_json = json::serialize(*data);
    if (out.data_json.size() > kMaxDataBytes)
      return std::string("field 'data' must be at most 64 KiB");
  }
  int targets = 0;
  for (auto name : {"room", "user", "users", "role"}) targets += body.contains(name) ? 1 : 0;
  if (targets != 1) return std::string("give exactly one of 'room', 'user', 'users', 'role'");

  if (const json::value* room = body.if_contains("room")) {
    auto id = protocol::as_id(*room);
    if (!id) return std::string("field 'room' must be a room id");
    out.target = PublishRequest::Target::room;
    out.room_id = *id;
  } else if (const json::value* user = body.if_contains("user")) {
    auto id = protocol::as_id(*user);
    if (!id) return std::string("field 'user' must be a user id");
    out.user_ids = {*id};
  } else if (const json::value* users = body.if_contains("users")) {
    if (!users->is_array() || users->as_array().empty() || users->as_array().size() > kMaxUsers)
      return std::string("field 'users' must be an array of 1 to 1000 user ids");
    for (const auto& v : users->as_array()) {
      auto id = protocol::as_id(v);
      if (!id) return std::string("field 'users' must hold user ids only");
      out.user_ids.push_back(*id);
    }
    std::sort(out.user_ids.begin(), out.user_ids.end());
    out.user_ids.erase(std::unique(out.user_ids.begin(), out.user_ids.end()), out.user_ids.end());
  } else {
    const json::value* role = body.if_contains("role");
    if (!role->is_string() || (role->get_string() != "admin" && role->get_string() != "user"))
      return std::string("field 'role' must be \"admin\" or \"user\"");
    out.target = PublishRequest::Target::role;
    out.role = std::string(role->get_string());
  }
  return out;
}

net::SharedFrame notification_frame(const PublishRequest& request, std::int64_t now_ms) {
  return net::make_text_frame(
      protocol::notification_frame(request.event, request.data_json, now_ms));
}

std::size_t publish(Hub& hub, const PublishRequest& request, std::int64_t now_ms) {
  auto frame = notification_frame(request, now_ms);
  switch (request.target) {
    case PublishRequest::Target::room:
      return hub.publish_notification_to_room(request.room_id, std::move(frame));
    case PublishRequest::Target::users:
      return hub.publish_to_users(request.user_ids, std::move(frame));
    case PublishRequest::Target::role:
      return hub.publish_to_role(request.role, std::move(frame));
  }
  return 0;
}

void publish_locally(Hub& hub, const PublishRequest& request, std::int64_t now_ms) {
  RemoteEvent event;
  switch (request.target) {
    case PublishRequest::Target::room:
      event.target = RemoteEvent::Target::room;
      break;
    case PublishRequest::Target::users:
      event.target = RemoteEvent::Target::users;
      event.user_ids = request.user_ids;
      break;
    case PublishRequest::Target::role:
      event.target = RemoteEvent::Target::role;
      event.role = request.role;
      break;
  }
  event.delivery = Delivery::notification(request.room_id, notification_frame(request, now_ms));
  // The same path as an event from another instance: this instance's connections, no relay.
  hub.apply_remote(event);
}

}  // namespace parley::realtime

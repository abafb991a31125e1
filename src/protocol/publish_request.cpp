#include "protocol/publish_request.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "protocol/validation.hpp"

namespace parley::protocol {
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
  if (auto e = check_event_name(out.event)) return *e;
  if (const json::value* data = body.if_contains("data")) {
    if (!data->is_object()) return std::string("field 'data' must be a JSON object");
    if (!all_numbers_finite(*data)) return std::string("field 'data' holds a number out of range");
    out.data_json = json::serialize(*data);
    if (out.data_json.size() > kMaxDataBytes)
      return std::string("field 'data' must be at most 64 KiB");
  }
  int targets = 0;
  for (auto name : {"room", "user", "users", "role"}) targets += body.contains(name) ? 1 : 0;
  if (targets != 1) return std::string("give exactly one of 'room', 'user', 'users', 'role'");

  if (const json::value* room = body.if_contains("room")) {
    auto id = as_id(*room);
    if (!id) return std::string("field 'room' must be a room id");
    out.target = PublishRequest::Target::room;
    out.room_id = *id;
  } else if (const json::value* user = body.if_contains("user")) {
    auto id = as_id(*user);
    if (!id) return std::string("field 'user' must be a user id");
    out.user_ids = {*id};
  } else if (const json::value* users = body.if_contains("users")) {
    if (!users->is_array() || users->as_array().empty() || users->as_array().size() > kMaxUsers)
      return std::string("field 'users' must be an array of 1 to 1000 user ids");
    for (const auto& v : users->as_array()) {
      auto id = as_id(v);
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

}  // namespace parley::protocol

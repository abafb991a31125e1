// The Rooms section of the contract: list, create, get, join, leave, members, delete, DMs.

#include <boost/json.hpp>

#include "auth/password.hpp"
#include "common/clock.hpp"
#include "http/api.hpp"
#include "http/room_access.hpp"
#include "protocol/encode.hpp"
#include "protocol/validation.hpp"

namespace parley::http {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxAccessCodeChars = 128;

void list_rooms(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  json::array rooms;
  for (const auto& r : api.services().store.list_rooms(user.user_id))
    rooms.push_back(protocol::room_json(r));
  ex->reply(200, json::object{{"rooms", std::move(rooms)}});
}

void create_room(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  auto body = ex->json_body();
  auto name = string_field(body, "name");
  if (auto e = protocol::check_room_name(name)) throw ApiError(ErrorCode::bad_request, *e);
  bool is_private = optional_bool_field(body, "private", false);
  auto code = optional_string_field(body, "access_code");
  std::optional<std::string> code_hash;
  if (code) {
    if (!is_private)
      throw ApiError(ErrorCode::bad_request, "access_code is only for private rooms");
    auto n = protocol::count_code_points(*code);
    if (n < 1 || n > kMaxAccessCodeChars)
      throw ApiError(ErrorCode::bad_request, "access_code must be 1 to 128 characters");
    code_hash = auth::hash_password(*code);
  }
  auto room = api.services().store.create_room(name, is_private, user.user_id, std::move(code_hash),
                                               now_ms());
  if (!room) throw ApiError(ErrorCode::conflict, "room name '" + name + "' is taken");
  ex->reply(201, protocol::room_json(*room));
}

void get_room(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  auto& store = api.services().store;
  std::int64_t room_id = ex->id_param(0);
  auto room = store.room_overview(room_id, user.user_id);
  if (!room || (room->is_private && !room->joined))
    throw ApiError(ErrorCode::not_found, "no room " + std::to_string(room_id));
  ex->reply(200, protocol::room_json(*room));
}

void join_room(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  auto body = ex->json_body(true);
  auto code = optional_string_field(body, "access_code");
  auto& store = api.services().store;
  std::int64_t room_id = ex->id_param(0);
  auto room = store.find_room(room_id, user.user_id);
  if (!room) throw ApiError(ErrorCode::not_found, "no room " + std::to_string(room_id));
  if (!room->joined) {
    if (room->is_private) {
      auto& throttle = api.access_code_throttle();
      const std::string key =
          "room " + std::to_string(room_id) + " user " + std::to_string(user.user_id);
      const std::string& address = ex->request().remote_address;
      if (int wait = throttle.retry_after(key, address, now_ms()); wait > 0)
        throw ApiError(ErrorCode::rate_limited, "too many wrong access codes; try again later",
                       wait);
      auto hash = store.access_code_hash(room_id);
      if (!hash || !code || !auth::verify_password(*hash, *code)) {
        throttle.record_failure(key, address, now_ms());
        throw ApiError(ErrorCode::forbidden,
                       "wrong access code for room " + std::to_string(room_id));
      }
      throttle.record_success(key);
    }
    if (store.add_member(room_id, user.user_id, now_ms())) ++room->member_count;
    room->joined = true;
  }
  ex->reply(200, protocol::room_json(*room));
}

void leave_room(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  auto& store = api.services().store;
  std::int64_t room_id = ex->id_param(0);
  visible_room(store, room_id, user.user_id);
  if (store.remove_member(room_id, user.user_id))
    api.services().hub.end_membership(room_id, user.user_id);
  ex->reply_no_content();
}

json::object member_json(Api& api, const domain::Member& m) {
  return {{"id", m.user_id},
          {"username", m.username},
          {"role", m.is_owner ? "owner" : "member"},
          {"online", api.services().hub.presence().is_connected(m.user_id)},
          {"last_read", m.last_read}};
}

void list_members(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  auto& store = api.services().store;
  std::int64_t room_id = ex->id_param(0);
  visible_room(store, room_id, user.user_id);
  json::array members;
  for (const auto& m : store.members(room_id)) members.push_back(member_json(api, m));
  ex->reply(200, json::object{{"members", std::move(members)}});
}

void add_member(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  auto body = ex->json_body();
  auto username = string_field(body, "username");
  auto& store = api.services().store;
  std::int64_t room_id = ex->id_param(0);
  auto room = visible_room(store, room_id, user.user_id);
  if (room.owner_id != user.user_id)
    throw ApiError(ErrorCode::forbidden,
                   "only the owner of room " + std::to_string(room_id) + " can add members");
  if (room.is_dm) throw ApiError(ErrorCode::forbidden, "a direct-message room has two members");
  auto target = store.find_user_by_name(username);
  if (!target) throw ApiError(ErrorCode::not_found, "no user '" + username + "'");
  bool added = store.add_member(room_id, target->id, now_ms());
  if (added) {
    auto data = json::serialize(
        json::object{{"room", protocol::room_json(room)},
                     {"by", json::object{{"id", user.user_id}, {"username", user.username}}}});
    api.services().hub.publish_to_users(
        {target->id},
        net::make_text_frame(protocol::notification_frame("room.member_added", data, now_ms())));
  }
  ex->reply(201,
            json::object{{"member", member_json(api, {target->id, target->username, false, 0})}});
}

void delete_room(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  auto& store = api.services().store;
  std::int64_t room_id = ex->id_param(0);
  auto room = visible_room(store, room_id, user.user_id);
  if (room.owner_id != user.user_id)
    throw ApiError(ErrorCode::forbidden,
                   "only the owner can delete room " + std::to_string(room_id));
  if (store.delete_room(room_id)) api.services().hub.publish_room_deleted(room_id);
  ex->reply_no_content();
}

void open_dm(Api& api, const ExchangePtr& ex) {
  const auto& claims = require_user(ex);
  auto body = ex->json_body();
  auto username = string_field(body, "username");
  auto& store = api.services().store;
  auto me = store.find_user(claims.user_id);
  if (!me) throw ApiError(ErrorCode::unauthorized, "unknown user");
  auto other = store.find_user_by_name(username);
  if (!other) throw ApiError(ErrorCode::not_found, "no user '" + username + "'");
  if (other->id == me->id) throw ApiError(ErrorCode::bad_request, "username must be someone else");
  ex->reply(200, protocol::room_json(store.get_or_create_dm(*me, *other, now_ms())));
}

}  // namespace

void add_room_routes(Api& api) {
  api.add_endpoint("GET", "/api/rooms", list_rooms);
  api.add_endpoint("POST", "/api/rooms", create_room);
  api.add_endpoint("GET", "/api/rooms/{}", get_room);
  api.add_endpoint("DELETE", "/api/rooms/{}", delete_room);
  api.add_endpoint("POST", "/api/rooms/{}/join", join_room);
  api.add_endpoint("POST", "/api/rooms/{}/leave", leave_room);
  api.add_endpoint("GET", "/api/rooms/{}/members", list_members);
  api.add_endpoint("POST", "/api/rooms/{}/members", add_member);
  api.add_endpoint("POST", "/api/dms", open_dm);
}

}  // namespace parley::http

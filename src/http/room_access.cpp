#include "http/room_access.hpp"

#include <string>

#include "common/error_code.hpp"

namespace parley::http {

domain::Room visible_room(store::Store& store, std::int64_t room_id, std::int64_t user_id) {
  auto room = store.find_room(room_id, user_id);
  if (!room || (room->is_private && !room->joined))
    throw ApiError(ErrorCode::not_found, "no room " + std::to_string(room_id));
  return *room;
}

domain::Room member_room(store::Store& store, std::int64_t room_id, std::int64_t user_id) {
  auto room = visible_room(store, room_id, user_id);
  if (!room.joined)
    throw ApiError(ErrorCode::forbidden, "not a member of room " + std::to_string(room_id));
  return room;
}

}  // namespace parley::http

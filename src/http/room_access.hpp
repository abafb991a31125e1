#pragma once
// Room visibility rules shared by the room and message endpoints.

#include <cstdint>

#include "domain/room.hpp"
#include "store/store.hpp"

namespace parley::http {

// The room as `user_id` sees it; 404 when it does not exist or is private and the user is not in
// it (its existence never leaks).
domain::Room visible_room(store::Store& store, std::int64_t room_id, std::int64_t user_id);

// visible_room, plus 403 when the caller is not a member of the (public) room.
domain::Room member_room(store::Store& store, std::int64_t room_id, std::int64_t user_id);

}  // namespace parley::http

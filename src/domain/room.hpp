#pragma once
// A chat room as one viewer sees it (public, private, or the direct-message room of two users), and
// one of its members as the member list shows them.

#include <cstdint>
#include <optional>
#include <string>

#include "domain/message.hpp"
#include "domain/read_state.hpp"

namespace parley::domain {

// What a member sees of a room beyond its description: read state and the newest message.
struct RoomReading {
  ReadState read;
  std::optional<Message> last_message;  // the newest message that is not deleted
};

struct Room {
  std::int64_t id = 0;
  std::string name;
  bool is_private = false;
  bool is_dm = false;
  std::int64_t owner_id = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t member_count = 0;
  bool joined = false;  // whether the viewer the room was read for is a member
  // For a member, when the query computed it (room lists and single rooms do).
  std::optional<RoomReading> reading;
};

struct Member {
  std::int64_t user_id = 0;
  std::string username;
  bool is_owner = false;
  std::int64_t last_read = 0;
};

}  // namespace parley::domain

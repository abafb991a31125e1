#pragma once
// A chat room as one viewer sees it (public, private, or the direct-message room of two users), and
// one of its members as the member list shows them.

#include <cstdint>
#include <string>

namespace parley::domain {

struct Room {
  std::int64_t id = 0;
  std::string name;
  bool is_private = false;
  bool is_dm = false;
  std::int64_t owner_id = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t member_count = 0;
  bool joined = false;  // whether the viewer the room was read for is a member
};

struct Member {
  std::int64_t user_id = 0;
  std::string username;
  bool is_owner = false;
};

}  // namespace parley::domain

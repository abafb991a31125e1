#pragma once
// One member of a room, as the member list shows it.

#include <cstdint>
#include <string>

namespace parley::domain {

struct Member {
  std::int64_t user_id = 0;
  std::string username;
  bool is_owner = false;
};

}  // namespace parley::domain

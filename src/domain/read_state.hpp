#pragma once
// How far one member has read a room, and what is left: the contract's ReadState.

#include <cstdint>

namespace parley::domain {

struct ReadState {
  std::int64_t room_id = 0;
  std::int64_t last_read = 0;  // the largest message id read; 0 when nothing was
  std::int64_t unread = 0;     // later messages, neither deleted nor the member's own
  std::int64_t mentions = 0;   // those of them that mention the member
};

}  // namespace parley::domain

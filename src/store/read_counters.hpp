#pragma once
// A member's read state from the counters both stores keep (the conversations migration): the
// room's messages after the read position are the difference of room_seq numbers, less the
// deleted ones and the member's own among them.

#include <algorithm>
#include <cstdint>

#include "domain/read_state.hpp"

namespace parley::store {

struct ReadCounters {
  std::int64_t last_read = 0;
  std::int64_t read_seq = 0;       // room_seq of the newest message at or below last_read
  std::int64_t own_unread = 0;     // the member's own messages above it, not deleted
  std::int64_t newest_seq = 0;     // room_seq of the room's newest message
  std::int64_t deleted_after = 0;  // deleted messages above last_read
  std::int64_t mentions = 0;       // rows of `mentions` above last_read
};

inline domain::ReadState read_state_from(std::int64_t room_id, const ReadCounters& c) {
  const std::int64_t after = c.newest_seq - c.read_seq;
  return {room_id, c.last_read, std::max<std::int64_t>(0, after - c.own_unread - c.deleted_after),
          c.mentions};
}

}  // namespace parley::store

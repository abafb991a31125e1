#pragma once
// A member's read state of a room from the counters SQLite keeps (see migration 3): a few index
// probes, whatever the number of unread messages.

#include <cstdint>

#include "domain/read_state.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace parley::store {

domain::ReadState read_state_on(SqliteConnection& connection, std::int64_t room_id,
                                std::int64_t user_id);

}  // namespace parley::store

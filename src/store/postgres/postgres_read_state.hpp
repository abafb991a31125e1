#pragma once
// A member's read state of a room from the counters PostgreSQL keeps (see migration 2): a few
// index probes in one statement, whatever the number of unread messages.

#include <cstdint>

#include "domain/read_state.hpp"
#include "store/postgres/postgres_connection.hpp"

namespace parley::store {

domain::ReadState read_state_on(PostgresConnection& connection, std::int64_t room_id,
                                std::int64_t user_id);

}  // namespace parley::store

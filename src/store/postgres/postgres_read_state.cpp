#include "store/postgres/postgres_read_state.hpp"

#include "store/read_counters.hpp"

namespace parley::store {

domain::ReadState read_state_on(PostgresConnection& connection, std::int64_t room_id,
                                std::int64_t user_id) {
  auto result = connection.query(
      "SELECT s.last_read, s.read_seq, s.own_unread, "
      "COALESCE((SELECT room_seq FROM messages WHERE room_id = $1::bigint ORDER BY id DESC "
      "LIMIT 1), 0), "
      "(SELECT count(*) FROM messages WHERE room_id = $1::bigint AND deleted AND id > "
      "s.last_read), "
      "(SELECT count(*) FROM mentions WHERE room_id = $1::bigint AND user_id = $2::bigint "
      "AND message_id > s.last_read) "
      "FROM (SELECT COALESCE(MAX(last_read), 0) AS last_read, COALESCE(MAX(read_seq), 0) AS "
      "read_seq, COALESCE(MAX(own_unread), 0) AS own_unread FROM read_states "
      "WHERE room_id = $1::bigint AND user_id = $2::bigint) s",
      {room_id, user_id});
  if (result.empty()) return read_state_from(room_id, {});
  return read_state_from(room_id, {result.int64(0, 0), result.int64(0, 1), result.int64(0, 2),
                                   result.int64(0, 3), result.int64(0, 4), result.int64(0, 5)});
}

}  // namespace parley::store

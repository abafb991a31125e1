#include "store/sqlite/sqlite_read_state.hpp"

#include "store/read_counters.hpp"

namespace parley::store {

domain::ReadState read_state_on(SqliteConnection& connection, std::int64_t room_id,
                                std::int64_t user_id) {
  auto statement = connection.statement(
      "SELECT s.last_read, s.read_seq, s.own_unread, "
      "COALESCE((SELECT room_seq FROM messages WHERE room_id = ?1 ORDER BY id DESC LIMIT 1), 0), "
      "(SELECT count(*) FROM messages WHERE room_id = ?1 AND deleted = 1 AND id > s.last_read), "
      "(SELECT count(*) FROM mentions WHERE room_id = ?1 AND user_id = ?2 "
      "AND message_id > s.last_read) "
      "FROM (SELECT COALESCE(MAX(last_read), 0) AS last_read, COALESCE(MAX(read_seq), 0) AS "
      "read_seq, COALESCE(MAX(own_unread), 0) AS own_unread FROM read_states "
      "WHERE room_id = ?1 AND user_id = ?2) s");
  statement.bind(1, room_id).bind(2, user_id);
  if (!statement.step()) return read_state_from(room_id, {});
  return read_state_from(room_id, {statement.int64(0), statement.int64(1), statement.int64(2),
                                   statement.int64(3), statement.int64(4), statement.int64(5)});
}

}  // namespace parley::store

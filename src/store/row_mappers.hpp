#pragma once
// Reads the chat's records from a result row, alike for both backends. A `Row` has int64(column),
// text(column), boolean(column) and optional_text(column): a SqliteStatement on its current row
// or a PostgresRow. Every query whose rows are read here selects the columns in the order given.

#include "domain/message.hpp"
#include "domain/room.hpp"
#include "domain/user.hpp"
#include "store/records.hpp"

namespace parley::store {

// The SELECT ... FROM of users and sessions in the mappers' column order, the same SQL for both
// backends; the caller appends WHERE.
inline constexpr const char* kSelectUsers =
    "SELECT id, username, role, created_at, deactivated FROM users ";
inline constexpr const char* kSelectSessions =
    "SELECT id, user_id, created_at, last_used_at, user_agent, ip, COALESCE(ended_at, 0) "
    "FROM sessions ";

// Columns: id, username, role, created_at, deactivated.
template <typename Row>
domain::User read_user(const Row& row) {
  return {row.int64(0), row.text(1), row.text(2), row.int64(3), row.boolean(4)};
}

// Columns: id, user_id, created_at, last_used_at, user_agent, ip, COALESCE(ended_at, 0).
template <typename Row>
Session read_session(const Row& row) {
  return {row.int64(0), row.int64(1), row.int64(2), row.int64(3),
          row.text(4),  row.text(5),  row.int64(6)};
}

// Columns: id, name, is_private, is_dm, owner_id, created_at, member_count, joined (by the viewer).
template <typename Row>
domain::Room read_room(const Row& row) {
  return {row.int64(0), row.text(1),  row.boolean(2), row.boolean(3),
          row.int64(4), row.int64(5), row.int64(6),   row.boolean(7)};
}

// Columns: user_id, username, is_owner.
template <typename Row>
domain::Member read_member(const Row& row) {
  return {row.int64(0), row.text(1), row.boolean(2)};
}

// Columns: id, room_id, user_id, username, body, ts, client_id, meta.
template <typename Row>
domain::Message read_message(const Row& row) {
  return {row.int64(0), row.int64(1), row.int64(2),         row.text(3),
          row.text(4),  row.int64(5), row.optional_text(6), row.optional_text(7)};
}

}  // namespace parley::store

#pragma once
// Reads the chat's records from a result row, alike for both backends. A `Row` has int64(column),
// text(column), boolean(column), is_null(column) and optional_text(column): a SqliteStatement on
// its current row or a PostgresRow. Every query whose rows are read here selects the columns in
// the order given.

#include <optional>
#include <string>

#include "domain/message.hpp"
#include "domain/room.hpp"
#include "domain/upload.hpp"
#include "domain/user.hpp"
#include "store/id_list.hpp"
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
  domain::Room room;
  room.id = row.int64(0);
  room.name = row.text(1);
  room.is_private = row.boolean(2);
  room.is_dm = row.boolean(3);
  room.owner_id = row.int64(4);
  room.created_at_ms = row.int64(5);
  room.member_count = row.int64(6);
  room.joined = row.boolean(7);
  return room;
}

// Columns: user_id, username, is_owner, last_read.
template <typename Row>
domain::Member read_member(const Row& row) {
  return {row.int64(0), row.text(1), row.boolean(2), row.int64(3)};
}

// The SELECT ... FROM of uploads in read_upload's column order, both backends; WHERE appended.
inline constexpr const char* kSelectUploads =
    "SELECT u.id, u.user_id, u.name, u.size, u.content_type, u.file, u.width, u.height, "
    "u.created_at FROM uploads u ";

// Columns: kSelectUploads'.
template <typename Row>
domain::Upload read_upload(const Row& row) {
  domain::Upload u;
  u.id = row.int64(0);
  u.user_id = row.int64(1);
  u.name = row.text(2);
  u.size = row.int64(3);
  u.content_type = row.text(4);
  u.file = row.text(5);
  if (!row.is_null(6)) u.width = row.int64(6);
  if (!row.is_null(7)) u.height = row.int64(7);
  u.created_at_ms = row.int64(8);
  return u;
}

// The columns read_message reads, for a query over `messages m JOIN users u`.
inline constexpr const char* kMessageColumns =
    "m.id, m.room_id, m.user_id, u.username, m.body, m.ts, m.client_id, m.meta, m.rev, "
    "m.edited_at, m.deleted, m.reply_to, m.reply_count, m.last_reply_at, m.mentions, m.reactions, "
    "m.attachments";
inline constexpr int kMessageColumnCount = 17;

template <typename Row>
std::optional<std::int64_t> optional_int64(const Row& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.int64(column);
}

// Columns from `first`: kMessageColumns.
template <typename Row>
domain::Message read_message(const Row& row, int first = 0) {
  domain::Message m;
  m.id = row.int64(first + 0);
  m.room_id = row.int64(first + 1);
  m.user_id = row.int64(first + 2);
  m.username = row.text(first + 3);
  m.body = row.text(first + 4);
  m.ts_ms = row.int64(first + 5);
  m.client_id = row.optional_text(first + 6);
  m.meta_json = row.optional_text(first + 7);
  m.rev = row.is_null(first + 8) ? 0 : row.int64(first + 8);
  m.edited_at_ms = optional_int64(row, first + 9);
  m.deleted = row.boolean(first + 10);
  m.reply_to = optional_int64(row, first + 11);
  m.reply_count = row.int64(first + 12);
  m.last_reply_at_ms = optional_int64(row, first + 13);
  if (auto mentions = row.optional_text(first + 14)) m.mentions = split_ids(*mentions);
  m.reactions_json = row.optional_text(first + 15);
  m.attachments_json = row.optional_text(first + 16);
  return m;
}

// An optional integer as the text both backends bind for a nullable column.
inline std::optional<std::string> optional_number(const std::optional<std::int64_t>& n) {
  if (!n) return std::nullopt;
  return std::to_string(*n);
}

}  // namespace parley::store

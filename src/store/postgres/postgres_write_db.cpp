#include "store/postgres/postgres_write_db.hpp"

#include <stdexcept>

#include "domain/mentions.hpp"
#include "store/id_list.hpp"
#include "store/postgres/postgres_batch_sql.hpp"
#include "store/postgres/postgres_read_state.hpp"
#include "store/postgres/postgres_row.hpp"
#include "store/row_mappers.hpp"

namespace parley::store {

namespace {

const std::string kMessageById = std::string("SELECT ") + kMessageColumns +
                                 " FROM messages m JOIN users u ON u.id = m.user_id "
                                 "WHERE m.id = $1::bigint";
constexpr const char* kRowColumns = "SELECT user_id, deleted, body, meta, mentions, reply_to ";

WriteDb::MessageRow read_row(const PostgresResult& r) {
  WriteDb::MessageRow out;
  out.user_id = r.int64(0, 0);
  out.deleted = r.boolean(0, 1);
  out.body = r.text(0, 2);
  out.meta_json = r.optional_text(0, 3);
  out.mentions = split_ids(r.optional_text(0, 4).value_or(""));
  if (!r.is_null(0, 5)) out.reply_to = r.int64(0, 5);
  return out;
}

}  // namespace

std::optional<WriteStatus> PostgresWriteDb::refuse_writer(std::int64_t room_id,
                                                          std::int64_t user_id) {
  auto check = db_.query(kCheckWriter, {room_id, user_id});
  if (check.empty()) return WriteStatus::room_not_found;
  if (check.boolean(0, 1)) return std::nullopt;
  return check.boolean(0, 0) ? WriteStatus::not_member_private : WriteStatus::not_member_public;
}

std::optional<WriteDb::MessageRow> PostgresWriteDb::message_row(std::int64_t room_id,
                                                                std::int64_t id) {
  auto row = db_.query(
      std::string(kRowColumns) + "FROM messages WHERE id = $1::bigint AND room_id = $2::bigint",
      {id, room_id});
  if (row.empty()) return std::nullopt;
  return read_row(row);
}

std::optional<WriteDb::MessageRow> PostgresWriteDb::message_row(std::int64_t id) {
  auto row = db_.query(std::string(kRowColumns) + "FROM messages WHERE id = $1::bigint", {id});
  if (row.empty()) return std::nullopt;
  return read_row(row);
}

bool PostgresWriteDb::may_moderate(std::int64_t room_id, std::int64_t user_id) {
  auto check = db_.query(
      "SELECT EXISTS (SELECT 1 FROM rooms WHERE id = $1::bigint AND owner_id = $2::bigint) OR "
      "EXISTS (SELECT 1 FROM users WHERE id = $2::bigint AND role = 'admin')",
      {room_id, user_id});
  return !check.empty() && check.boolean(0, 0);
}

std::int64_t PostgresWriteDb::draw_position() {
  // The identity sequence of message ids: a change's position is a number no message will get.
  return db_.query("SELECT nextval(pg_get_serial_sequence('messages', 'id'))").int64(0, 0);
}

std::vector<std::int64_t> PostgresWriteDb::resolve_mentions(std::int64_t room_id,
                                                            std::int64_t sender_id,
                                                            std::string_view body) {
  auto names = domain::mentioned_names(body);
  if (names.empty()) return {};
  auto rows = db_.query(kMentionLookup, {room_id, text_array(names)});
  return ids_in_order(names, rows, sender_id);
}

void PostgresWriteDb::write_mention_rows(std::int64_t room_id, std::int64_t message_id,
                                         std::span<const std::int64_t> users, bool insert) {
  if (users.empty()) return;
  db_.query(insert ? "INSERT INTO mentions (room_id, user_id, message_id) "
                     "SELECT $1::bigint, unnest($2::bigint[]), $3::bigint ON CONFLICT DO NOTHING"
                   : "DELETE FROM mentions WHERE room_id = $1::bigint AND "
                     "user_id = ANY($2::bigint[]) AND message_id = $3::bigint",
            {room_id, id_array(users), message_id});
}

void PostgresWriteDb::set_body(std::int64_t id, std::string_view body,
                               const std::optional<std::string>& meta, std::int64_t edited_at,
                               std::int64_t rev, std::span<const std::int64_t> mentions) {
  db_.query(
      "UPDATE messages SET body = $2::text, meta = $3::text, edited_at = $4::bigint, "
      "rev = $5::bigint, mentions = $6::text WHERE id = $1::bigint",
      {id, body, meta, edited_at, rev, join_ids(mentions)});
}

void PostgresWriteDb::make_tombstone(std::int64_t id, std::int64_t rev) {
  db_.query(
      "UPDATE messages SET deleted = TRUE, body = '', meta = NULL, reactions = NULL, "
      "mentions = NULL, edited_at = NULL, rev = $2::bigint WHERE id = $1::bigint",
      {id, rev});
  db_.query("DELETE FROM reactions WHERE message_id = $1::bigint", {id});
}

void PostgresWriteDb::forget_own_unread(std::int64_t room_id, std::int64_t author,
                                        std::int64_t id) {
  db_.query(
      "UPDATE read_states SET own_unread = own_unread - 1 WHERE room_id = $1::bigint AND "
      "user_id = $2::bigint AND last_read < $3::bigint AND own_unread > 0",
      {room_id, author, id});
}

std::vector<ReactionRow> PostgresWriteDb::reaction_rows(std::int64_t id) {
  auto read = db_.query(
      "SELECT emoji, user_id, pos, first_pos FROM reactions WHERE message_id = $1::bigint", {id});
  std::vector<ReactionRow> rows;
  for (int r = 0; r < read.rows(); ++r)
    rows.push_back({read.text(r, 0), read.int64(r, 1), read.int64(r, 2), read.int64(r, 3)});
  return rows;
}

void PostgresWriteDb::insert_reaction(std::int64_t id, const ReactionRow& row) {
  db_.query(
      "INSERT INTO reactions (message_id, emoji, user_id, pos, first_pos) VALUES ($1::bigint, "
      "$2::text, $3::bigint, $4::bigint, $5::bigint)",
      {id, row.emoji, row.user_id, row.pos, row.first_pos});
}

void PostgresWriteDb::delete_reaction(std::int64_t id, std::string_view emoji,
                                      std::int64_t user_id) {
  db_.query(
      "DELETE FROM reactions WHERE message_id = $1::bigint AND emoji = $2::text AND "
      "user_id = $3::bigint",
      {id, emoji, user_id});
}

void PostgresWriteDb::set_reactions(std::int64_t id, const std::optional<std::string>& json,
                                    std::int64_t rev) {
  db_.query("UPDATE messages SET reactions = $2::text, rev = $3::bigint WHERE id = $1::bigint",
            {id, json, rev});
}

void PostgresWriteDb::add_reply(std::int64_t parent_id, std::int64_t last_reply_at,
                                std::int64_t rev) {
  db_.query(
      "UPDATE messages SET reply_count = reply_count + 1, last_reply_at = $2::bigint, "
      "rev = $3::bigint WHERE id = $1::bigint",
      {parent_id, last_reply_at, rev});
}

WriteDb::ReadPosition PostgresWriteDb::read_position(std::int64_t room_id, std::int64_t user_id) {
  WriteDb::ReadPosition out;
  auto room = db_.query(
      "SELECT member_count, (SELECT MAX(id) FROM messages WHERE room_id = $1::bigint), "
      "COALESCE((SELECT last_read FROM read_states WHERE room_id = $1::bigint AND "
      "user_id = $2::bigint), 0) FROM rooms WHERE id = $1::bigint",
      {room_id, user_id});
  if (room.empty()) return out;
  out.member_count = room.int64(0, 0);
  out.newest_id = room.is_null(0, 1) ? 0 : room.int64(0, 1);
  out.last_read = room.int64(0, 2);
  return out;
}

void PostgresWriteDb::move_read(std::int64_t room_id, std::int64_t user_id, std::int64_t up_to,
                                std::int64_t last_read) {
  // Own messages in the newly read range stop being "own unread" ones.
  db_.query(
      "INSERT INTO read_states (room_id, user_id, last_read, read_seq, own_unread) "
      "VALUES ($1::bigint, $2::bigint, $3::bigint, COALESCE((SELECT room_seq FROM messages "
      "WHERE room_id = $1::bigint AND id <= $3::bigint ORDER BY id DESC LIMIT 1), 0), 0) "
      "ON CONFLICT (room_id, user_id) DO UPDATE SET last_read = excluded.last_read, "
      "read_seq = excluded.read_seq, own_unread = read_states.own_unread - "
      "(SELECT count(*) FROM messages WHERE room_id = $1::bigint AND id > $4::bigint AND "
      "id <= $3::bigint AND user_id = $2::bigint AND NOT deleted)",
      {room_id, user_id, up_to, last_read});
}

domain::ReadState PostgresWriteDb::read_state(std::int64_t room_id, std::int64_t user_id) {
  return read_state_on(db_, room_id, user_id);
}

std::optional<domain::Message> PostgresWriteDb::find_message(std::int64_t id) {
  auto result = db_.query(kMessageById, {id});
  if (result.empty()) return std::nullopt;
  return read_message(PostgresRow(result, 0));
}

}  // namespace parley::store

namespace parley::store {

std::optional<std::vector<domain::Upload>> PostgresWriteDb::own_uploads(
    std::int64_t user_id, std::span<const std::int64_t> ids) {
  std::vector<domain::Upload> out;
  for (std::int64_t id : ids) {
    auto result = db_.query(
        std::string(kSelectUploads) + "WHERE u.id = $1::bigint AND u.user_id = $2::bigint",
        {id, user_id});
    if (result.empty()) return std::nullopt;
    out.push_back(read_upload(PostgresRow(result, 0)));
  }
  return out;
}

void PostgresWriteDb::attach_uploads(std::int64_t message_id,
                                     std::span<const domain::Upload> uploads,
                                     const std::string& json) {
  for (std::size_t i = 0; i < uploads.size(); ++i) {
    db_.query(
        "INSERT INTO message_attachments (message_id, position, upload_id) "
        "VALUES ($1::bigint, $2::integer, $3::bigint)",
        {message_id, static_cast<std::int64_t>(i), uploads[i].id});
    db_.query("UPDATE uploads SET attached = TRUE, detached_at = NULL WHERE id = $1::bigint",
              {uploads[i].id});
  }
  db_.query("UPDATE messages SET attachments = $2 WHERE id = $1::bigint", {message_id, json});
}

void PostgresWriteDb::detach_uploads(std::int64_t message_id, std::int64_t now_ms) {
  auto gone =
      db_.query("DELETE FROM message_attachments WHERE message_id = $1::bigint RETURNING upload_id",
                {message_id});
  if (gone.empty()) return;
  db_.query("UPDATE messages SET attachments = NULL WHERE id = $1::bigint", {message_id});
  for (int i = 0; i < gone.rows(); ++i) {
    db_.query(
        "UPDATE uploads SET detached_at = $2::bigint WHERE id = $1::bigint AND NOT EXISTS "
        "(SELECT 1 FROM message_attachments WHERE upload_id = $1::bigint)",
        {gone.int64(i, 0), now_ms});
  }
}

}  // namespace parley::store

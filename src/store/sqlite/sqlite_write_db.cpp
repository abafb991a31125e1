#include "store/sqlite/sqlite_write_db.hpp"

#include <stdexcept>

#include "domain/mentions.hpp"
#include "store/id_list.hpp"
#include "store/row_mappers.hpp"
#include "store/sqlite/sqlite_read_state.hpp"

namespace parley::store {

namespace {

const std::string kMessageById = std::string("SELECT ") + kMessageColumns +
                                 " FROM messages m JOIN users u ON u.id = m.user_id "
                                 "WHERE m.id = ?1";

WriteDb::MessageRow read_row(const SqliteStatement& row) {
  WriteDb::MessageRow out;
  out.user_id = row.int64(0);
  out.deleted = row.boolean(1);
  out.body = row.text(2);
  out.meta_json = row.optional_text(3);
  out.mentions = split_ids(row.optional_text(4).value_or(""));
  if (!row.is_null(5)) out.reply_to = row.int64(5);
  return out;
}

constexpr const char* kRowColumns = "SELECT user_id, deleted, body, meta, mentions, reply_to ";

}  // namespace

std::optional<WriteStatus> SqliteWriteDb::refuse_writer(std::int64_t room_id,
                                                        std::int64_t user_id) {
  auto check = db_.statement(
      "SELECT r.is_private, EXISTS (SELECT 1 FROM members m WHERE m.room_id = r.id AND "
      "m.user_id = ?2) FROM rooms r WHERE r.id = ?1");
  check.bind(1, room_id).bind(2, user_id);
  if (!check.step()) return WriteStatus::room_not_found;
  if (check.boolean(1)) return std::nullopt;
  return check.boolean(0) ? WriteStatus::not_member_private : WriteStatus::not_member_public;
}

std::optional<WriteDb::MessageRow> SqliteWriteDb::message_row(std::int64_t room_id,
                                                              std::int64_t id) {
  auto row =
      db_.statement(std::string(kRowColumns) + "FROM messages WHERE id = ?1 AND room_id = ?2");
  row.bind(1, id).bind(2, room_id);
  if (!row.step()) return std::nullopt;
  return read_row(row);
}

std::optional<WriteDb::MessageRow> SqliteWriteDb::message_row(std::int64_t id) {
  auto row = db_.statement(std::string(kRowColumns) + "FROM messages WHERE id = ?1");
  row.bind(1, id);
  if (!row.step()) return std::nullopt;
  return read_row(row);
}

bool SqliteWriteDb::may_moderate(std::int64_t room_id, std::int64_t user_id) {
  auto check = db_.statement(
      "SELECT EXISTS (SELECT 1 FROM rooms WHERE id = ?1 AND owner_id = ?2) OR "
      "EXISTS (SELECT 1 FROM users WHERE id = ?2 AND role = 'admin')");
  check.bind(1, room_id).bind(2, user_id);
  return check.step() && check.boolean(0);
}

std::int64_t SqliteWriteDb::draw_position() {
  // AUTOINCREMENT hands the next message max(seq, largest rowid) + 1, so a number taken here is
  // never an id; the row exists once any message was stored, and a change needs one.
  auto draw = db_.statement(
      "UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'messages' RETURNING seq");
  if (!draw.step()) throw std::logic_error("no message sequence to draw a position from");
  std::int64_t position = draw.int64(0);
  draw.run();
  return position;
}

std::vector<std::int64_t> SqliteWriteDb::resolve_mentions(std::int64_t room_id,
                                                          std::int64_t sender_id,
                                                          std::string_view body) {
  std::vector<std::int64_t> ids;
  for (const std::string& name : domain::mentioned_names(body)) {
    auto member = db_.statement(
        "SELECT u.id FROM users u JOIN members m ON m.user_id = u.id AND m.room_id = ?1 "
        "WHERE u.username_key = ?2");
    member.bind(1, room_id).bind(2, name);
    if (!member.step()) continue;
    std::int64_t id = member.int64(0);
    if (id != sender_id && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

void SqliteWriteDb::write_mention_rows(std::int64_t room_id, std::int64_t message_id,
                                       std::span<const std::int64_t> users, bool insert) {
  for (std::int64_t user_id : users) {
    db_.statement(insert ? "INSERT OR IGNORE INTO mentions (room_id, user_id, message_id) "
                           "VALUES (?1, ?2, ?3)"
                         : "DELETE FROM mentions WHERE room_id = ?1 AND user_id = ?2 AND "
                           "message_id = ?3")
        .bind(1, room_id)
        .bind(2, user_id)
        .bind(3, message_id)
        .run();
  }
}

void SqliteWriteDb::set_body(std::int64_t id, std::string_view body,
                             const std::optional<std::string>& meta, std::int64_t edited_at,
                             std::int64_t rev, std::span<const std::int64_t> mentions) {
  db_.statement(
         "UPDATE messages SET body = ?2, meta = ?3, edited_at = ?4, rev = ?5, mentions = ?6 "
         "WHERE id = ?1")
      .bind(1, id)
      .bind(2, body)
      .bind(3, meta)
      .bind(4, edited_at)
      .bind(5, rev)
      .bind(6, join_ids(mentions))
      .run();
}

void SqliteWriteDb::make_tombstone(std::int64_t id, std::int64_t rev) {
  db_.statement(
         "UPDATE messages SET deleted = 1, body = '', meta = NULL, reactions = NULL, "
         "mentions = NULL, edited_at = NULL, rev = ?2 WHERE id = ?1")
      .bind(1, id)
      .bind(2, rev)
      .run();
  db_.statement("DELETE FROM reactions WHERE message_id = ?1").bind(1, id).run();
}

void SqliteWriteDb::forget_own_unread(std::int64_t room_id, std::int64_t author, std::int64_t id) {
  db_.statement(
         "UPDATE read_states SET own_unread = own_unread - 1 WHERE room_id = ?1 AND user_id = ?2 "
         "AND last_read < ?3 AND own_unread > 0")
      .bind(1, room_id)
      .bind(2, author)
      .bind(3, id)
      .run();
}

std::vector<ReactionRow> SqliteWriteDb::reaction_rows(std::int64_t id) {
  std::vector<ReactionRow> rows;
  auto read =
      db_.statement("SELECT emoji, user_id, pos, first_pos FROM reactions WHERE message_id = ?1");
  read.bind(1, id);
  while (read.step()) rows.push_back({read.text(0), read.int64(1), read.int64(2), read.int64(3)});
  return rows;
}

void SqliteWriteDb::insert_reaction(std::int64_t id, const ReactionRow& row) {
  db_.statement(
         "INSERT INTO reactions (message_id, emoji, user_id, pos, first_pos) "
         "VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, id)
      .bind(2, row.emoji)
      .bind(3, row.user_id)
      .bind(4, row.pos)
      .bind(5, row.first_pos)
      .run();
}

void SqliteWriteDb::delete_reaction(std::int64_t id, std::string_view emoji, std::int64_t user_id) {
  db_.statement("DELETE FROM reactions WHERE message_id = ?1 AND emoji = ?2 AND user_id = ?3")
      .bind(1, id)
      .bind(2, emoji)
      .bind(3, user_id)
      .run();
}

void SqliteWriteDb::set_reactions(std::int64_t id, const std::optional<std::string>& json,
                                  std::int64_t rev) {
  db_.statement("UPDATE messages SET reactions = ?2, rev = ?3 WHERE id = ?1")
      .bind(1, id)
      .bind(2, json)
      .bind(3, rev)
      .run();
}

void SqliteWriteDb::add_reply(std::int64_t parent_id, std::int64_t last_reply_at,
                              std::int64_t rev) {
  db_.statement(
         "UPDATE messages SET reply_count = reply_count + 1, last_reply_at = ?2, rev = ?3 "
         "WHERE id = ?1")
      .bind(1, parent_id)
      .bind(2, last_reply_at)
      .bind(3, rev)
      .run();
}

WriteDb::ReadPosition SqliteWriteDb::read_position(std::int64_t room_id, std::int64_t user_id) {
  WriteDb::ReadPosition out;
  auto room = db_.statement(
      "SELECT member_count, (SELECT MAX(id) FROM messages WHERE room_id = ?1), "
      "COALESCE((SELECT last_read FROM read_states WHERE room_id = ?1 AND user_id = ?2), 0) "
      "FROM rooms WHERE id = ?1");
  room.bind(1, room_id).bind(2, user_id);
  if (!room.step()) return out;
  out.member_count = room.int64(0);
  out.newest_id = room.is_null(1) ? 0 : room.int64(1);
  out.last_read = room.int64(2);
  return out;
}

void SqliteWriteDb::move_read(std::int64_t room_id, std::int64_t user_id, std::int64_t up_to,
                              std::int64_t last_read) {
  // Own messages in the newly read range stop being "own unread" ones.
  db_.statement(
         "INSERT INTO read_states (room_id, user_id, last_read, read_seq, own_unread) "
         "VALUES (?1, ?2, ?3, "
         "COALESCE((SELECT room_seq FROM messages WHERE room_id = ?1 AND id <= ?3 "
         "ORDER BY id DESC LIMIT 1), 0), 0) "
         "ON CONFLICT (room_id, user_id) DO UPDATE SET last_read = excluded.last_read, "
         "read_seq = excluded.read_seq, own_unread = own_unread - "
         "(SELECT count(*) FROM messages WHERE room_id = ?1 AND id > ?4 AND id <= ?3 "
         "AND user_id = ?2 AND deleted = 0)")
      .bind(1, room_id)
      .bind(2, user_id)
      .bind(3, up_to)
      .bind(4, last_read)
      .run();
}

domain::ReadState SqliteWriteDb::read_state(std::int64_t room_id, std::int64_t user_id) {
  return read_state_on(db_, room_id, user_id);
}

std::optional<domain::Message> SqliteWriteDb::find_message(std::int64_t id) {
  auto statement = db_.statement(kMessageById);
  statement.bind(1, id);
  if (!statement.step()) return std::nullopt;
  return read_message(statement);
}

}  // namespace parley::store

namespace parley::store {

std::optional<std::vector<domain::Upload>> SqliteWriteDb::own_uploads(
    std::int64_t user_id, std::span<const std::int64_t> ids) {
  std::vector<domain::Upload> out;
  for (std::int64_t id : ids) {
    auto row = db_.statement(std::string(kSelectUploads) + "WHERE u.id = ?1 AND u.user_id = ?2");
    row.bind(1, id).bind(2, user_id);
    if (!row.step()) return std::nullopt;
    out.push_back(read_upload(row));
  }
  return out;
}

void SqliteWriteDb::attach_uploads(std::int64_t message_id, std::span<const domain::Upload> uploads,
                                   const std::string& json) {
  for (std::size_t i = 0; i < uploads.size(); ++i) {
    db_.statement(
           "INSERT INTO message_attachments (message_id, position, upload_id) VALUES (?1, ?2, ?3)")
        .bind(1, message_id)
        .bind(2, static_cast<std::int64_t>(i))
        .bind(3, uploads[i].id)
        .run();
    db_.statement("UPDATE uploads SET attached = 1, detached_at = NULL WHERE id = ?1")
        .bind(1, uploads[i].id)
        .run();
  }
  db_.statement("UPDATE messages SET attachments = ?2 WHERE id = ?1")
      .bind(1, message_id)
      .bind(2, json)
      .run();
}

void SqliteWriteDb::detach_uploads(std::int64_t message_id, std::int64_t now_ms) {
  std::vector<std::int64_t> uploads;
  {
    auto read = db_.statement("SELECT upload_id FROM message_attachments WHERE message_id = ?1");
    read.bind(1, message_id);
    while (read.step()) uploads.push_back(read.int64(0));
  }
  if (uploads.empty()) return;
  db_.statement("DELETE FROM message_attachments WHERE message_id = ?1").bind(1, message_id).run();
  db_.statement("UPDATE messages SET attachments = NULL WHERE id = ?1").bind(1, message_id).run();
  for (std::int64_t id : uploads) {
    db_.statement(
           "UPDATE uploads SET detached_at = ?2 WHERE id = ?1 AND NOT EXISTS "
           "(SELECT 1 FROM message_attachments WHERE upload_id = ?1)")
        .bind(1, id)
        .bind(2, now_ms)
        .run();
  }
}

}  // namespace parley::store

// SqliteStore's writes: the batches of the group-commit writer (sends, edits, deletions,
// reactions, read positions), each batch one transaction on the write connection.

#include <algorithm>
#include <stdexcept>

#include "domain/mentions.hpp"
#include "store/id_list.hpp"
#include "store/reaction_summary.hpp"
#include "store/row_mappers.hpp"
#include "store/sqlite/sqlite_read_state.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

namespace parley::store {

using domain::Message;

namespace {

constexpr std::size_t kUsernameCacheLimit = 100'000;
constexpr std::size_t kRoomSeqCacheLimit = 100'000;
constexpr std::size_t kMinKeysPerCommit = 256;

WriteResult outcome(WriteStatus status, std::string detail = {}) {
  WriteResult result;
  result.status = status;
  result.detail = std::move(detail);
  return result;
}

std::string message_ref(std::int64_t id) {
  return "message " + std::to_string(id);
}

template <typename... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <typename... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

// Ids in `a` that are not in `b`.
std::vector<std::int64_t> minus(const std::vector<std::int64_t>& a,
                                const std::vector<std::int64_t>& b) {
  std::vector<std::int64_t> out;
  for (auto id : a)
    if (std::find(b.begin(), b.end(), id) == b.end()) out.push_back(id);
  return out;
}

}  // namespace

std::vector<WriteResult> SqliteStore::write_batch(std::span<const Write> batch,
                                                  std::int64_t now_ms) {
  std::vector<WriteResult> results(batch.size());
  if (batch.empty()) return results;
  std::lock_guard lock(write_mutex_);
  std::vector<ClientKey> added;  // taken back out of pending_keys_ if the transaction fails
  std::size_t keys_written = 0;
  try {
    SqliteTransaction transaction(writer_);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      results[i] =
          std::visit(Overloaded{
                         [&](const NewMessage& w) { return write_message(w, now_ms, added); },
                         [&](const EditMessage& w) { return write_edit(w, now_ms); },
                         [&](const DeleteMessage& w) { return write_delete(w); },
                         [&](const ReactMessage& w) { return write_reaction(w); },
                         [&](const MarkRead& w) { return write_read(w); },
                     },
                     batch[i]);
    }
    keys_written = write_pending_keys(batch.size());
    transaction.commit();
  } catch (...) {
    for (const ClientKey& key : added) pending_keys_.remove(key);
    room_seqs_.clear();
    throw;
  }
  pending_keys_.written(keys_written);
  return results;
}

std::optional<WriteStatus> SqliteStore::refuse_writer(std::int64_t room_id, std::int64_t user_id) {
  auto check = writer_.statement(
      "SELECT r.is_private, EXISTS (SELECT 1 FROM members m WHERE m.room_id = r.id AND "
      "m.user_id = ?2) FROM rooms r WHERE r.id = ?1");
  check.bind(1, room_id).bind(2, user_id);
  if (!check.step()) return WriteStatus::room_not_found;
  if (check.boolean(1)) return std::nullopt;
  return check.boolean(0) ? WriteStatus::not_member_private : WriteStatus::not_member_public;
}

std::int64_t SqliteStore::draw_position() {
  // AUTOINCREMENT hands the next message max(seq, largest rowid) + 1, so a number taken here is
  // never an id; the row exists once any message was stored, and a change needs one.
  auto draw = writer_.statement(
      "UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'messages' RETURNING seq");
  if (!draw.step()) throw std::logic_error("no message sequence to draw a position from");
  std::int64_t position = draw.int64(0);
  draw.run();
  return position;
}

std::int64_t SqliteStore::next_room_seq(std::int64_t room_id) {
  auto it = room_seqs_.find(room_id);
  if (it != room_seqs_.end()) return it->second + 1;
  if (room_seqs_.size() >= kRoomSeqCacheLimit) room_seqs_.clear();
  auto newest = writer_.statement(
      "SELECT room_seq FROM messages WHERE room_id = ?1 ORDER BY id DESC LIMIT 1");
  newest.bind(1, room_id);
  std::int64_t seq = newest.step() ? newest.int64(0) : 0;
  room_seqs_.emplace(room_id, seq);
  return seq + 1;
}

std::vector<std::int64_t> SqliteStore::resolve_mentions(std::int64_t room_id,
                                                        std::int64_t sender_id,
                                                        std::string_view body) {
  std::vector<std::int64_t> ids;
  for (const std::string& name : domain::mentioned_names(body)) {
    auto member = writer_.statement(
        "SELECT u.id FROM users u JOIN members m ON m.user_id = u.id AND m.room_id = ?1 "
        "WHERE u.username_key = ?2");
    member.bind(1, room_id).bind(2, name);
    if (!member.step()) continue;
    std::int64_t id = member.int64(0);
    if (id != sender_id && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

void SqliteStore::write_mention_rows(std::int64_t room_id, std::int64_t message_id,
                                     std::span<const std::int64_t> users, bool insert) {
  for (std::int64_t user_id : users) {
    writer_
        .statement(insert ? "INSERT OR IGNORE INTO mentions (room_id, user_id, message_id) "
                            "VALUES (?1, ?2, ?3)"
                          : "DELETE FROM mentions WHERE room_id = ?1 AND user_id = ?2 AND "
                            "message_id = ?3")
        .bind(1, room_id)
        .bind(2, user_id)
        .bind(3, message_id)
        .run();
  }
}

const std::string& SqliteStore::username_of(std::int64_t user_id) {
  auto it = usernames_.find(user_id);
  if (it != usernames_.end()) return it->second;
  if (usernames_.size() >= kUsernameCacheLimit) usernames_.clear();
  auto statement = writer_.statement("SELECT username FROM users WHERE id = ?1");
  statement.bind(1, user_id);
  std::string name = statement.step() ? statement.text(0) : std::string();
  return usernames_.emplace(user_id, std::move(name)).first->second;
}

std::optional<std::int64_t> SqliteStore::stored_message_id(const ClientKeyView& key) {
  if (auto id = pending_keys_.find(key)) return id;
  auto statement = writer_.statement(
      "SELECT message_id FROM message_keys WHERE room_id = ?1 AND user_id = ?2 AND client_id = ?3");
  statement.bind(1, key.room_id).bind(2, key.user_id).bind(3, key.client_id);
  if (!statement.step()) return std::nullopt;
  return statement.int64(0);
}

std::optional<Message> SqliteStore::message_by_id(std::int64_t id) {
  auto statement = writer_.statement(std::string("SELECT ") + kMessageColumns +
                                     " FROM messages m JOIN users u ON u.id = m.user_id "
                                     "WHERE m.id = ?1");
  statement.bind(1, id);
  if (!statement.step()) return std::nullopt;
  return read_message(statement);
}

std::size_t SqliteStore::write_pending_keys(std::size_t batch_size) {
  pending_keys_.seal_if_full();
  // Twice the batch's own keys per commit: a sealed generation is written before the next fills.
  const auto chunk =
      pending_keys_.next_chunk(std::max<std::size_t>(kMinKeysPerCommit, 2 * batch_size));
  for (const PendingKey& pending : chunk) {
    // OR IGNORE: after a crash, keys of a generation written in part are loaded again.
    writer_
        .statement(
            "INSERT OR IGNORE INTO message_keys (room_id, user_id, client_id, message_id) "
            "VALUES (?1, ?2, ?3, ?4)")
        .bind(1, pending.key->room_id)
        .bind(2, pending.key->user_id)
        .bind(3, pending.key->client_id)
        .bind(4, pending.message_id)
        .run();
  }
  if (pending_keys_.drains(chunk.size())) {
    writer_.statement("UPDATE store_state SET value = ?1 WHERE name = 'message_keys_through'")
        .bind(1, pending_keys_.sealed_through())
        .run();
  }
  return chunk.size();
}

WriteResult SqliteStore::write_message(const NewMessage& in, std::int64_t now_ms,
                                       std::vector<ClientKey>& added_keys) {
  if (auto refused = refuse_writer(in.room_id, in.user_id)) return outcome(*refused);
  // A repeat of a stored key (also one earlier in this batch) gets the stored message.
  if (in.client_id) {
    if (auto id = stored_message_id({in.room_id, in.user_id, *in.client_id})) {
      auto existing = message_by_id(*id);
      if (!existing) throw std::logic_error("idempotency key without its message");
      WriteResult result = outcome(WriteStatus::duplicate);
      result.message = std::move(*existing);
      return result;
    }
  }
  // Threads are one level deep: a reply to a reply joins its parent's thread.
  std::optional<std::int64_t> parent_id;
  if (in.reply_to) {
    auto target =
        writer_.statement("SELECT reply_to, deleted FROM messages WHERE id = ?1 AND room_id = ?2");
    target.bind(1, *in.reply_to).bind(2, in.room_id);
    if (!target.step())
      return outcome(WriteStatus::invalid, "reply_to: no " + message_ref(*in.reply_to) +
                                               " in room " + std::to_string(in.room_id));
    if (target.boolean(1))
      return outcome(WriteStatus::invalid,
                     "reply_to: " + message_ref(*in.reply_to) + " is deleted");
    parent_id = target.is_null(0) ? *in.reply_to : target.int64(0);
    if (*parent_id != *in.reply_to) {
      auto parent = writer_.statement("SELECT deleted FROM messages WHERE id = ?1");
      parent.bind(1, *parent_id);
      if (!parent.step() || parent.boolean(0))
        return outcome(WriteStatus::invalid, "reply_to: the thread's first message is deleted");
    }
  }
  std::vector<std::int64_t> mentions = resolve_mentions(in.room_id, in.user_id, in.body);
  const std::int64_t room_seq = next_room_seq(in.room_id);
  const auto mentions_text = join_ids(mentions);
  auto insert = writer_.statement(
      "INSERT INTO messages (room_id, user_id, body, client_id, meta, ts, reply_to, mentions, "
      "room_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  insert.bind(1, in.room_id).bind(2, in.user_id).bind(3, in.body).bind(4, in.client_id);
  insert.bind(5, in.meta_json).bind(6, now_ms).bind(8, mentions_text).bind(9, room_seq);
  if (parent_id)
    insert.bind(7, *parent_id);
  else
    insert.bind_null(7);
  insert.run();
  const std::int64_t id = writer_.last_insert_rowid();
  room_seqs_[in.room_id] = room_seq;
  // Own messages are never unread: counted so that unread counts can leave them out.
  writer_
      .statement(
          "INSERT INTO read_states (room_id, user_id, own_unread) VALUES (?1, ?2, 1) "
          "ON CONFLICT (room_id, user_id) DO UPDATE SET own_unread = own_unread + 1")
      .bind(1, in.room_id)
      .bind(2, in.user_id)
      .run();
  write_mention_rows(in.room_id, id, mentions, true);
  if (in.client_id) {
    added_keys.push_back({in.room_id, in.user_id, *in.client_id});
    pending_keys_.add(added_keys.back(), id);
  }

  WriteResult result = outcome(WriteStatus::stored);
  Message& m = result.message;
  m.id = id;
  m.room_id = in.room_id;
  m.user_id = in.user_id;
  m.username = username_of(in.user_id);
  m.body = in.body;
  m.ts_ms = now_ms;
  m.client_id = in.client_id;
  m.meta_json = in.meta_json;
  m.reply_to = parent_id;
  m.mentions = mentions;
  result.new_mentions = std::move(mentions);
  if (parent_id) {
    // The parent changes too, after the reply: its new rev is above the reply's id.
    writer_
        .statement(
            "UPDATE messages SET reply_count = reply_count + 1, last_reply_at = ?2, rev = ?3 "
            "WHERE id = ?1")
        .bind(1, *parent_id)
        .bind(2, now_ms)
        .bind(3, draw_position())
        .run();
    result.parent = message_by_id(*parent_id);
  }
  return result;
}

WriteResult SqliteStore::write_edit(const EditMessage& in, std::int64_t now_ms) {
  if (auto refused = refuse_writer(in.room_id, in.user_id)) return outcome(*refused);
  auto row = writer_.statement(
      "SELECT user_id, deleted, body, meta, mentions FROM messages WHERE id = ?1 AND room_id = ?2");
  row.bind(1, in.message_id).bind(2, in.room_id);
  if (!row.step()) return outcome(WriteStatus::message_not_found);
  if (row.int64(0) != in.user_id)
    return outcome(WriteStatus::forbidden,
                   "only the author can edit " + message_ref(in.message_id));
  if (row.boolean(1))
    return outcome(WriteStatus::conflict, message_ref(in.message_id) + " is deleted");
  const std::optional<std::string> meta = in.replace_meta ? in.meta_json : row.optional_text(3);
  const bool same = row.text(2) == in.body && meta == row.optional_text(3);
  const std::vector<std::int64_t> before = split_ids(row.optional_text(4).value_or(""));
  if (same) {
    WriteResult result = outcome(WriteStatus::unchanged);
    result.message = *message_by_id(in.message_id);
    return result;
  }
  std::vector<std::int64_t> after = resolve_mentions(in.room_id, in.user_id, in.body);
  writer_
      .statement(
          "UPDATE messages SET body = ?2, meta = ?3, edited_at = ?4, rev = ?5, mentions = ?6 "
          "WHERE id = ?1")
      .bind(1, in.message_id)
      .bind(2, in.body)
      .bind(3, meta)
      .bind(4, now_ms)
      .bind(5, draw_position())
      .bind(6, join_ids(after))
      .run();
  write_mention_rows(in.room_id, in.message_id, minus(before, after), false);
  WriteResult result = outcome(WriteStatus::changed);
  result.new_mentions = minus(after, before);
  write_mention_rows(in.room_id, in.message_id, result.new_mentions, true);
  result.message = *message_by_id(in.message_id);
  return result;
}

WriteResult SqliteStore::write_delete(const DeleteMessage& in) {
  if (auto refused = refuse_writer(in.room_id, in.user_id)) return outcome(*refused);
  auto row = writer_.statement(
      "SELECT m.user_id, m.deleted, m.mentions, r.owner_id, "
      "(SELECT role FROM users WHERE id = ?3) FROM messages m JOIN rooms r ON r.id = m.room_id "
      "WHERE m.id = ?1 AND m.room_id = ?2");
  row.bind(1, in.message_id).bind(2, in.room_id).bind(3, in.user_id);
  if (!row.step()) return outcome(WriteStatus::message_not_found);
  const std::int64_t author = row.int64(0);
  if (author != in.user_id && row.int64(3) != in.user_id && row.optional_text(4) != "admin")
    return outcome(WriteStatus::forbidden,
                   "only the author, the room's owner or an admin can "
                   "delete " +
                       message_ref(in.message_id));
  if (row.boolean(1)) {
    WriteResult result = outcome(WriteStatus::unchanged);
    result.message = *message_by_id(in.message_id);
    return result;
  }
  const std::vector<std::int64_t> mentioned = split_ids(row.optional_text(2).value_or(""));
  writer_
      .statement(
          "UPDATE messages SET deleted = 1, body = '', meta = NULL, reactions = NULL, "
          "mentions = NULL, edited_at = NULL, rev = ?2 WHERE id = ?1")
      .bind(1, in.message_id)
      .bind(2, draw_position())
      .run();
  writer_.statement("DELETE FROM reactions WHERE message_id = ?1").bind(1, in.message_id).run();
  write_mention_rows(in.room_id, in.message_id, mentioned, false);
  // No longer one of the author's own unread messages (unread counts leave deleted ones out).
  writer_
      .statement(
          "UPDATE read_states SET own_unread = own_unread - 1 WHERE room_id = ?1 AND user_id = ?2 "
          "AND last_read < ?3 AND own_unread > 0")
      .bind(1, in.room_id)
      .bind(2, author)
      .bind(3, in.message_id)
      .run();
  WriteResult result = outcome(WriteStatus::changed);
  result.message = *message_by_id(in.message_id);
  return result;
}

WriteResult SqliteStore::write_reaction(const ReactMessage& in) {
  if (auto refused = refuse_writer(in.room_id, in.user_id)) return outcome(*refused);
  auto row = writer_.statement("SELECT deleted FROM messages WHERE id = ?1 AND room_id = ?2");
  row.bind(1, in.message_id).bind(2, in.room_id);
  if (!row.step()) return outcome(WriteStatus::message_not_found);
  if (row.boolean(0))
    return outcome(WriteStatus::conflict, message_ref(in.message_id) + " is deleted");
  std::vector<ReactionRow> rows;
  {
    auto read = writer_.statement(
        "SELECT emoji, user_id, pos, first_pos FROM reactions WHERE message_id = ?1");
    read.bind(1, in.message_id);
    while (read.step()) rows.push_back({read.text(0), read.int64(1), read.int64(2), read.int64(3)});
  }
  ReactionSummary summary(std::move(rows));
  if (summary.has(in.emoji, in.user_id) == in.on) {
    WriteResult result = outcome(WriteStatus::unchanged);
    result.message = *message_by_id(in.message_id);
    return result;
  }
  if (in.on && !summary.has_emoji(in.emoji) && summary.distinct_emoji() >= kMaxDistinctReactions)
    return outcome(WriteStatus::invalid, "emoji: a message holds at most 20 distinct reactions");
  const std::int64_t position = draw_position();
  if (in.on) {
    const std::int64_t first_pos = summary.add({in.emoji, in.user_id, position, 0});
    writer_
        .statement(
            "INSERT INTO reactions (message_id, emoji, user_id, pos, first_pos) "
            "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, in.message_id)
        .bind(2, in.emoji)
        .bind(3, in.user_id)
        .bind(4, position)
        .bind(5, first_pos)
        .run();
  } else {
    writer_.statement("DELETE FROM reactions WHERE message_id = ?1 AND emoji = ?2 AND user_id = ?3")
        .bind(1, in.message_id)
        .bind(2, in.emoji)
        .bind(3, in.user_id)
        .run();
    summary.remove(in.emoji, in.user_id);
  }
  writer_.statement("UPDATE messages SET reactions = ?2, rev = ?3 WHERE id = ?1")
      .bind(1, in.message_id)
      .bind(2, summary.to_json())
      .bind(3, position)
      .run();
  WriteResult result = outcome(WriteStatus::changed);
  result.message = *message_by_id(in.message_id);
  return result;
}

WriteResult SqliteStore::write_read(const MarkRead& in) {
  if (auto refused = refuse_writer(in.room_id, in.user_id)) return outcome(*refused);
  WriteResult result = outcome(WriteStatus::unchanged);
  std::int64_t newest = 0;
  {
    auto room = writer_.statement(
        "SELECT member_count, (SELECT MAX(id) FROM messages WHERE room_id = ?1) FROM rooms "
        "WHERE id = ?1");
    room.bind(1, in.room_id);
    if (room.step()) {
      result.member_count = room.int64(0);
      newest = room.is_null(1) ? 0 : room.int64(1);
    }
  }
  const std::int64_t target = std::min(in.up_to, newest);
  std::int64_t last_read = 0;
  {
    auto current =
        writer_.statement("SELECT last_read FROM read_states WHERE room_id = ?1 AND user_id = ?2");
    current.bind(1, in.room_id).bind(2, in.user_id);
    if (current.step()) last_read = current.int64(0);
  }
  if (target > last_read) {
    // Own messages in the newly read range stop being "own unread" ones.
    writer_
        .statement(
            "INSERT INTO read_states (room_id, user_id, last_read, read_seq, own_unread) "
            "VALUES (?1, ?2, ?3, "
            "COALESCE((SELECT room_seq FROM messages WHERE room_id = ?1 AND id <= ?3 "
            "ORDER BY id DESC LIMIT 1), 0), 0) "
            "ON CONFLICT (room_id, user_id) DO UPDATE SET last_read = excluded.last_read, "
            "read_seq = excluded.read_seq, own_unread = own_unread - "
            "(SELECT count(*) FROM messages WHERE room_id = ?1 AND id > ?4 AND id <= ?3 "
            "AND user_id = ?2 AND deleted = 0)")
        .bind(1, in.room_id)
        .bind(2, in.user_id)
        .bind(3, target)
        .bind(4, last_read)
        .run();
    result.status = WriteStatus::changed;
  }
  result.read = read_state_on(writer_, in.room_id, in.user_id);
  return result;
}

}  // namespace parley::store

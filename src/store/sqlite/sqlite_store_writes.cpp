// SqliteStore's writes: the batches of the group-commit writer (sends, edits, deletions,
// reactions, read positions), each batch one transaction on the write connection.

#include <algorithm>
#include <stdexcept>

#include "common/overloaded.hpp"
#include "store/id_list.hpp"
#include "store/row_mappers.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/sqlite_transaction.hpp"
#include "store/sqlite/sqlite_write_db.hpp"
#include "store/write_rules.hpp"

namespace parley::store {

using domain::Message;

namespace {

constexpr std::size_t kUsernameCacheLimit = 100'000;
constexpr std::size_t kRoomSeqCacheLimit = 100'000;
constexpr std::size_t kMinKeysPerCommit = 256;

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
    SqliteWriteDb db(writer_);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      results[i] =
          std::visit(Overloaded{
                         [&](const NewMessage& w) { return write_message(db, w, now_ms, added); },
                         [&](const EditMessage& w) { return rules::edit(db, w, now_ms); },
                         [&](const DeleteMessage& w) { return rules::remove(db, w); },
                         [&](const ReactMessage& w) { return rules::react(db, w); },
                         [&](const MarkRead& w) { return rules::read(db, w); },
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

WriteResult SqliteStore::write_message(SqliteWriteDb& db, const NewMessage& in, std::int64_t now_ms,
                                       std::vector<ClientKey>& added_keys) {
  if (auto refused = db.refuse_writer(in.room_id, in.user_id)) return rules::outcome(*refused);
  // A repeat of a stored key (also one earlier in this batch) gets the stored message.
  if (in.client_id) {
    if (auto id = stored_message_id({in.room_id, in.user_id, *in.client_id})) {
      auto existing = db.find_message(*id);
      if (!existing) throw std::logic_error("idempotency key without its message");
      WriteResult result = rules::outcome(WriteStatus::duplicate);
      result.message = std::move(*existing);
      return result;
    }
  }
  std::optional<std::int64_t> parent_id;
  if (in.reply_to) {
    auto thread = rules::thread_of(db, in.room_id, *in.reply_to);
    if (auto* refused = std::get_if<WriteResult>(&thread)) return std::move(*refused);
    parent_id = std::get<std::int64_t>(thread);
  }
  std::vector<domain::Upload> uploads;
  if (!in.attachments.empty()) {
    auto attached = rules::attachments_of(db, in);
    if (auto* refused = std::get_if<WriteResult>(&attached)) return std::move(*refused);
    uploads = std::move(std::get<std::vector<domain::Upload>>(attached));
  }
  std::vector<std::int64_t> mentions = db.resolve_mentions(in.room_id, in.user_id, in.body);
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
  db.write_mention_rows(in.room_id, id, mentions, true);
  if (in.client_id) {
    added_keys.push_back({in.room_id, in.user_id, *in.client_id});
    pending_keys_.add(added_keys.back(), id);
  }

  WriteResult result = rules::outcome(WriteStatus::stored);
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
  rules::attach(db, result, uploads);
  if (parent_id) rules::add_reply(db, result, *parent_id, now_ms);
  return result;
}

}  // namespace parley::store

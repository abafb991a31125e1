#include "store/postgres/postgres_batch.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <utility>

#include "domain/mentions.hpp"
#include "store/id_list.hpp"
#include "store/postgres/postgres_read_state.hpp"
#include "store/postgres/postgres_row.hpp"
#include "store/reaction_summary.hpp"
#include "store/row_mappers.hpp"

namespace parley::store {

using domain::Message;

namespace {

// FOR KEY SHARE keeps a checked room from being deleted until this batch commits, so that no
// insert can fail its foreign key halfway through the batch.
constexpr const char* kCheckWriter =
    "SELECT r.is_private, EXISTS (SELECT 1 FROM members m WHERE m.room_id = r.id AND "
    "m.user_id = $2::bigint) FROM rooms r WHERE r.id = $1::bigint FOR KEY SHARE OF r";

// One send: the message (its room_seq after the room's newest, which this transaction sees as the
// messages lock serialises writers), the sender's own-message counter and the mention rows. The
// unique partial index on (room, sender, client_id) turns a repeat into "no row" (also a repeat
// within the batch, which this transaction already sees), and then nothing else is written.
constexpr const char* kInsertMessage =
    "WITH inserted AS (INSERT INTO messages (room_id, user_id, body, client_id, meta, ts, "
    "reply_to, mentions, room_seq) VALUES ($1::bigint, $2::bigint, $3::text, $4::text, $5::text, "
    "$6::bigint, $7::bigint, $8::text, COALESCE((SELECT room_seq FROM messages WHERE "
    "room_id = $1::bigint ORDER BY id DESC LIMIT 1), 0) + 1) "
    "ON CONFLICT (room_id, user_id, client_id) WHERE client_id IS NOT NULL DO NOTHING "
    "RETURNING id), "
    "own AS (INSERT INTO read_states (room_id, user_id, own_unread) "
    "SELECT $1::bigint, $2::bigint, 1 FROM inserted ON CONFLICT (room_id, user_id) "
    "DO UPDATE SET own_unread = read_states.own_unread + 1), "
    "mentioned AS (INSERT INTO mentions (room_id, user_id, message_id) "
    "SELECT $1::bigint, unnest($9::bigint[]), inserted.id FROM inserted) "
    "SELECT inserted.id, u.username FROM inserted JOIN users u ON u.id = $2::bigint";

constexpr const char* kMentionLookup =
    "SELECT u.id, lower(u.username COLLATE \"C\") FROM users u JOIN members m "
    "ON m.user_id = u.id AND m.room_id = $1::bigint "
    "WHERE lower(u.username COLLATE \"C\") = ANY($2::text[])";

const std::string kMessageById = std::string("SELECT ") + kMessageColumns +
                                 " FROM messages m JOIN users u ON u.id = m.user_id "
                                 "WHERE m.id = $1::bigint";
const std::string kMessageByClientId =
    std::string("SELECT ") + kMessageColumns +
    " FROM messages m JOIN users u ON u.id = m.user_id "
    "WHERE m.room_id = $1::bigint AND m.user_id = $2::bigint AND m.client_id = $3::text";

WriteResult outcome(WriteStatus status, std::string detail = {}) {
  WriteResult result;
  result.status = status;
  result.detail = std::move(detail);
  return result;
}

std::string message_ref(std::int64_t id) {
  return "message " + std::to_string(id);
}

// Text forms of PostgreSQL arrays. Usernames hold only A-Z a-z 0-9 _ . -, so quoting is enough.
std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    out += items[i];
    out += '"';
  }
  return out + '}';
}

std::string id_array(const std::vector<std::int64_t>& ids) {
  std::string out = "{";
  if (auto joined = join_ids(ids)) out += *joined;
  out += '}';
  return out;
}

// The member ids `rows` (id, lowercased username) name, in the order of `names`, without the
// sender.
std::vector<std::int64_t> ids_in_order(const std::vector<std::string>& names,
                                       const PostgresResult& rows, std::int64_t sender_id) {
  std::vector<std::int64_t> ids;
  for (const std::string& name : names) {
    for (int r = 0; r < rows.rows(); ++r) {
      if (rows.text(r, 1) != name) continue;
      std::int64_t id = rows.int64(r, 0);
      if (id != sender_id && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  }
  return ids;
}

std::vector<std::int64_t> minus(const std::vector<std::int64_t>& a,
                                const std::vector<std::int64_t>& b) {
  std::vector<std::int64_t> out;
  for (auto id : a)
    if (std::find(b.begin(), b.end(), id) == b.end()) out.push_back(id);
  return out;
}

bool is_plain_send(const Write& write) {
  const auto* send = std::get_if<NewMessage>(&write);
  return send != nullptr && !send->reply_to;
}

PostgresParam optional_id(const std::optional<std::int64_t>& id) {
  if (id) return PostgresParam(*id);
  return PostgresParam(std::nullopt);
}

}  // namespace

std::vector<WriteResult> PostgresBatch::run(std::span<const Write> batch) {
  std::vector<WriteResult> results(batch.size());
  for (std::size_t i = 0; i < batch.size();) {
    if (is_plain_send(batch[i])) {
      std::size_t last = i;
      while (last < batch.size() && is_plain_send(batch[last])) ++last;
      send_run(batch, i, last, results);
      i = last;
      continue;
    }
    const Write& write = batch[i];
    if (const auto* w = std::get_if<NewMessage>(&write))
      results[i] = send_one(*w);
    else if (const auto* w = std::get_if<EditMessage>(&write))
      results[i] = edit(*w);
    else if (const auto* w = std::get_if<DeleteMessage>(&write))
      results[i] = remove(*w);
    else if (const auto* w = std::get_if<ReactMessage>(&write))
      results[i] = react(*w);
    else if (const auto* w = std::get_if<MarkRead>(&write))
      results[i] = read(*w);
    ++i;
  }
  return results;
}

Message PostgresBatch::stored_message(const NewMessage& in, std::int64_t id, std::string username,
                                      std::vector<std::int64_t> mentions,
                                      std::optional<std::int64_t> reply_to) const {
  Message m;
  m.id = id;
  m.room_id = in.room_id;
  m.user_id = in.user_id;
  m.username = std::move(username);
  m.body = in.body;
  m.ts_ms = now_ms_;
  m.client_id = in.client_id;
  m.meta_json = in.meta_json;
  m.reply_to = reply_to;
  m.mentions = std::move(mentions);
  return m;
}

void PostgresBatch::send_run(std::span<const Write> batch, std::size_t first, std::size_t last,
                             std::vector<WriteResult>& results) {
  auto send_at = [&](std::size_t i) -> const NewMessage& { return std::get<NewMessage>(batch[i]); };
  // Each distinct (room, sender) is checked once, all of them in one pipeline.
  std::map<std::pair<std::int64_t, std::int64_t>, WriteStatus> verdicts;
  for (std::size_t i = first; i < last; ++i)
    verdicts.try_emplace({send_at(i).room_id, send_at(i).user_id});
  std::vector<std::vector<PostgresParam>> rows;
  for (const auto& entry : verdicts) rows.push_back({entry.first.first, entry.first.second});
  auto checks = connection_.query_pipelined(kCheckWriter, rows);
  std::size_t next = 0;
  for (auto& [key, verdict] : verdicts) {
    const PostgresResult& check = checks[next++];
    if (check.empty())
      verdict = WriteStatus::room_not_found;
    else if (!check.boolean(0, 1))
      verdict =
          check.boolean(0, 0) ? WriteStatus::not_member_private : WriteStatus::not_member_public;
    else
      verdict = WriteStatus::stored;
  }

  std::vector<std::size_t> allowed;
  for (std::size_t i = first; i < last; ++i) {
    results[i].status = verdicts.at({send_at(i).room_id, send_at(i).user_id});
    if (results[i].status == WriteStatus::stored) allowed.push_back(i);
  }
  // Mentions: one pipelined lookup for the messages that name anyone.
  std::vector<std::vector<std::int64_t>> mentions(allowed.size());
  std::vector<std::vector<std::string>> names(allowed.size());
  std::vector<std::size_t> naming;
  rows.clear();
  for (std::size_t j = 0; j < allowed.size(); ++j) {
    names[j] = domain::mentioned_names(send_at(allowed[j]).body);
    if (names[j].empty()) continue;
    naming.push_back(j);
    rows.push_back({send_at(allowed[j]).room_id, text_array(names[j])});
  }
  auto found = connection_.query_pipelined(kMentionLookup, rows);
  for (std::size_t k = 0; k < naming.size(); ++k) {
    std::size_t j = naming[k];
    mentions[j] = ids_in_order(names[j], found[k], send_at(allowed[j]).user_id);
  }

  // The inserts, pipelined in batch order (so ids follow it).
  rows.clear();
  for (std::size_t j = 0; j < allowed.size(); ++j) {
    const NewMessage& in = send_at(allowed[j]);
    rows.push_back({in.room_id, in.user_id, in.body, in.client_id, in.meta_json, now_ms_,
                    std::nullopt, join_ids(mentions[j]), id_array(mentions[j])});
  }
  auto inserted = connection_.query_pipelined(kInsertMessage, rows);
  for (std::size_t j = 0; j < allowed.size(); ++j) {
    const NewMessage& in = send_at(allowed[j]);
    WriteResult& out = results[allowed[j]];
    if (inserted[j].empty()) {
      // Rare (a retry): fetched one by one.
      auto existing = connection_.query(kMessageByClientId, {in.room_id, in.user_id, in.client_id});
      if (existing.empty()) throw std::logic_error("message insert ignored without a duplicate");
      out.status = WriteStatus::duplicate;
      out.message = read_message(PostgresRow(existing, 0));
      continue;
    }
    out.message = stored_message(in, inserted[j].int64(0, 0), inserted[j].text(0, 1), mentions[j],
                                 std::nullopt);
    out.new_mentions = std::move(mentions[j]);
  }
}

std::optional<WriteStatus> PostgresBatch::refuse_writer(std::int64_t room_id,
                                                        std::int64_t user_id) {
  auto check = connection_.query(kCheckWriter, {room_id, user_id});
  if (check.empty()) return WriteStatus::room_not_found;
  if (check.boolean(0, 1)) return std::nullopt;
  return check.boolean(0, 0) ? WriteStatus::not_member_private : WriteStatus::not_member_public;
}

std::int64_t PostgresBatch::draw_position() {
  // The identity sequence of message ids: a change's position is a number no message will get.
  return connection_.query("SELECT nextval(pg_get_serial_sequence('messages', 'id'))").int64(0, 0);
}

std::vector<std::int64_t> PostgresBatch::resolve_mentions(std::int64_t room_id,
                                                          std::int64_t sender_id,
                                                          std::string_view body) {
  auto names = domain::mentioned_names(body);
  if (names.empty()) return {};
  auto rows = connection_.query(kMentionLookup, {room_id, text_array(names)});
  return ids_in_order(names, rows, sender_id);
}

void PostgresBatch::write_mention_rows(std::int64_t room_id, std::int64_t message_id,
                                       std::span<const std::int64_t> users, bool insert) {
  if (users.empty()) return;
  std::vector<std::int64_t> ids(users.begin(), users.end());
  connection_.query(insert ? "INSERT INTO mentions (room_id, user_id, message_id) "
                             "SELECT $1::bigint, unnest($2::bigint[]), $3::bigint "
                             "ON CONFLICT DO NOTHING"
                           : "DELETE FROM mentions WHERE room_id = $1::bigint AND "
                             "user_id = ANY($2::bigint[]) AND message_id = $3::bigint",
                    {room_id, id_array(ids), message_id});
}

std::optional<Message> PostgresBatch::message_by_id(std::int64_t id) {
  auto result = connection_.query(kMessageById, {id});
  if (result.empty()) return std::nullopt;
  return read_message(PostgresRow(result, 0));
}

WriteResult PostgresBatch::send_one(const NewMessage& in) {
  if (auto refused = refuse_writer(in.room_id, in.user_id)) return outcome(*refused);
  if (in.client_id) {
    auto existing = connection_.query(kMessageByClientId, {in.room_id, in.user_id, in.client_id});
    if (!existing.empty()) {
      WriteResult result = outcome(WriteStatus::duplicate);
      result.message = read_message(PostgresRow(existing, 0));
      return result;
    }
  }
  // Threads are one level deep: a reply to a reply joins its parent's thread.
  std::optional<std::int64_t> parent_id;
  if (in.reply_to) {
    auto target = connection_.query(
        "SELECT reply_to, deleted FROM messages WHERE id = $1::bigint AND room_id = $2::bigint",
        {*in.reply_to, in.room_id});
    if (target.empty())
      return outcome(WriteStatus::invalid, "reply_to: no " + message_ref(*in.reply_to) +
                                               " in room " + std::to_string(in.room_id));
    if (target.boolean(0, 1))
      return outcome(WriteStatus::invalid,
                     "reply_to: " + message_ref(*in.reply_to) + " is deleted");
    parent_id = target.is_null(0, 0) ? *in.reply_to : target.int64(0, 0);
    if (*parent_id != *in.reply_to) {
      auto parent =
          connection_.query("SELECT deleted FROM messages WHERE id = $1::bigint", {*parent_id});
      if (parent.empty() || parent.boolean(0, 0))
        return outcome(WriteStatus::invalid, "reply_to: the thread's first message is deleted");
    }
  }
  auto mentions = resolve_mentions(in.room_id, in.user_id, in.body);
  auto inserted = connection_.query(
      kInsertMessage, {in.room_id, in.user_id, in.body, in.client_id, in.meta_json, now_ms_,
                       optional_id(parent_id), join_ids(mentions), id_array(mentions)});
  if (inserted.empty()) throw std::logic_error("message insert ignored without a duplicate");
  WriteResult result = outcome(WriteStatus::stored);
  result.message =
      stored_message(in, inserted.int64(0, 0), inserted.text(0, 1), mentions, parent_id);
  result.new_mentions = std::move(mentions);
  if (parent_id) {
    // The parent changes too, after the reply: its new rev is above the reply's id.
    connection_.query(
        "UPDATE messages SET reply_count = reply_count + 1, last_reply_at = $2::bigint, "
        "rev = $3::bigint WHERE id = $1::bigint",
        {*parent_id, now_ms_, draw_position()});
    result.parent = message_by_id(*parent_id);
  }
  return result;
}

WriteResult PostgresBatch::edit(const EditMessage& in) {
  if (auto refused = refuse_writer(in.room_id, in.user_id)) return outcome(*refused);
  auto row = connection_.query(
      "SELECT user_id, deleted, body, meta, mentions FROM messages WHERE id = $1::bigint AND "
      "room_id = $2::bigint",
      {in.message_id, in.room_id});
  if (row.empty()) return outcome(WriteStatus::message_not_found);
  if (row.int64(0, 0) != in.user_id)
    return outcome(WriteStatus::forbidden,
                   "only the author can edit " + message_ref(in.message_id));
  if (row.boolean(0, 1))
    return outcome(WriteStatus::conflict, message_ref(in.message_id) + " is deleted");
  const std::optional<std::string> meta = in.replace_meta ? in.meta_json : row.optional_text(0, 3);
  const std::vector<std::int64_t> before = split_ids(row.optional_text(0, 4).value_or(""));
  if (row.text(0, 2) == in.body && meta == row.optional_text(0, 3)) {
    WriteResult result = outcome(WriteStatus::unchanged);
    result.message = *message_by_id(in.message_id);
    return result;
  }
  std::vector<std::int64_t> after = resolve_mentions(in.room_id, in.user_id, in.body);
  connection_.query(
      "UPDATE messages SET body = $2::text, meta = $3::text, edited_at = $4::bigint, "
      "rev = $5::bigint, mentions = $6::text WHERE id = $1::bigint",
      {in.message_id, in.body, meta, now_ms_, draw_position(), join_ids(after)});
  write_mention_rows(in.room_id, in.message_id, minus(before, after), false);
  WriteResult result = outcome(WriteStatus::changed);
  result.new_mentions = minus(after, before);
  write_mention_rows(in.room_id, in.message_id, result.new_mentions, true);
  result.message = *message_by_id(in.message_id);
  return result;
}

WriteResult PostgresBatch::remove(const DeleteMessage& in) {
  if (auto refused = refuse_writer(in.room_id, in.user_id)) return outcome(*refused);
  auto row = connection_.query(
      "SELECT m.user_id, m.deleted, m.mentions, r.owner_id, "
      "(SELECT role FROM users WHERE id = $3::bigint) FROM messages m "
      "JOIN rooms r ON r.id = m.room_id WHERE m.id = $1::bigint AND m.room_id = $2::bigint",
      {in.message_id, in.room_id, in.user_id});
  if (row.empty()) return outcome(WriteStatus::message_not_found);
  const std::int64_t author = row.int64(0, 0);
  if (author != in.user_id && row.int64(0, 3) != in.user_id && row.optional_text(0, 4) != "admin")
    return outcome(
        WriteStatus::forbidden,
        "only the author, the room's owner or an admin can delete " + message_ref(in.message_id));
  if (row.boolean(0, 1)) {
    WriteResult result = outcome(WriteStatus::unchanged);
    result.message = *message_by_id(in.message_id);
    return result;
  }
  const std::vector<std::int64_t> mentioned = split_ids(row.optional_text(0, 2).value_or(""));
  connection_.query(
      "UPDATE messages SET deleted = TRUE, body = '', meta = NULL, reactions = NULL, "
      "mentions = NULL, edited_at = NULL, rev = $2::bigint WHERE id = $1::bigint",
      {in.message_id, draw_position()});
  connection_.query("DELETE FROM reactions WHERE message_id = $1::bigint", {in.message_id});
  write_mention_rows(in.room_id, in.message_id, mentioned, false);
  // No longer one of the author's own unread messages (unread counts leave deleted ones out).
  connection_.query(
      "UPDATE read_states SET own_unread = own_unread - 1 WHERE room_id = $1::bigint AND "
      "user_id = $2::bigint AND last_read < $3::bigint AND own_unread > 0",
      {in.room_id, author, in.message_id});
  WriteResult result = outcome(WriteStatus::changed);
  result.message = *message_by_id(in.message_id);
  return result;
}

WriteResult PostgresBatch::react(const ReactMessage& in) {
  if (auto refused = refuse_writer(in.room_id, in.user_id)) return outcome(*refused);
  auto row = connection_.query(
      "SELECT deleted FROM messages WHERE id = $1::bigint AND room_id = $2::bigint",
      {in.message_id, in.room_id});
  if (row.empty()) return outcome(WriteStatus::message_not_found);
  if (row.boolean(0, 0))
    return outcome(WriteStatus::conflict, message_ref(in.message_id) + " is deleted");
  std::vector<ReactionRow> rows;
  {
    auto read = connection_.query(
        "SELECT emoji, user_id, pos, first_pos FROM reactions WHERE message_id = $1::bigint",
        {in.message_id});
    for (int r = 0; r < read.rows(); ++r)
      rows.push_back({read.text(r, 0), read.int64(r, 1), read.int64(r, 2), read.int64(r, 3)});
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
    connection_.query(
        "INSERT INTO reactions (message_id, emoji, user_id, pos, first_pos) VALUES ($1::bigint, "
        "$2::text, $3::bigint, $4::bigint, $5::bigint)",
        {in.message_id, in.emoji, in.user_id, position, first_pos});
  } else {
    connection_.query(
        "DELETE FROM reactions WHERE message_id = $1::bigint AND emoji = $2::text AND "
        "user_id = $3::bigint",
        {in.message_id, in.emoji, in.user_id});
    summary.remove(in.emoji, in.user_id);
  }
  connection_.query(
      "UPDATE messages SET reactions = $2::text, rev = $3::bigint WHERE id = $1::bigint",
      {in.message_id, summary.to_json(), position});
  WriteResult result = outcome(WriteStatus::changed);
  result.message = *message_by_id(in.message_id);
  return result;
}

WriteResult PostgresBatch::read(const MarkRead& in) {
  if (auto refused = refuse_writer(in.room_id, in.user_id)) return outcome(*refused);
  WriteResult result = outcome(WriteStatus::unchanged);
  auto room = connection_.query(
      "SELECT member_count, (SELECT MAX(id) FROM messages WHERE room_id = $1::bigint), "
      "COALESCE((SELECT last_read FROM read_states WHERE room_id = $1::bigint AND "
      "user_id = $2::bigint), 0) FROM rooms WHERE id = $1::bigint",
      {in.room_id, in.user_id});
  std::int64_t newest = 0;
  std::int64_t last_read = 0;
  if (!room.empty()) {
    result.member_count = room.int64(0, 0);
    newest = room.is_null(0, 1) ? 0 : room.int64(0, 1);
    last_read = room.int64(0, 2);
  }
  const std::int64_t target = std::min(in.up_to, newest);
  if (target > last_read) {
    // Own messages in the newly read range stop being "own unread" ones.
    connection_.query(
        "INSERT INTO read_states (room_id, user_id, last_read, read_seq, own_unread) "
        "VALUES ($1::bigint, $2::bigint, $3::bigint, COALESCE((SELECT room_seq FROM messages "
        "WHERE room_id = $1::bigint AND id <= $3::bigint ORDER BY id DESC LIMIT 1), 0), 0) "
        "ON CONFLICT (room_id, user_id) DO UPDATE SET last_read = excluded.last_read, "
        "read_seq = excluded.read_seq, own_unread = read_states.own_unread - "
        "(SELECT count(*) FROM messages WHERE room_id = $1::bigint AND id > $4::bigint AND "
        "id <= $3::bigint AND user_id = $2::bigint AND NOT deleted)",
        {in.room_id, in.user_id, target, last_read});
    result.status = WriteStatus::changed;
  }
  result.read = read_state_on(connection_, in.room_id, in.user_id);
  return result;
}

}  // namespace parley::store

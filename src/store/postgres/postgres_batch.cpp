#include "store/postgres/postgres_batch.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <utility>

#include "domain/mentions.hpp"
#include "store/id_list.hpp"
#include "store/postgres/postgres_batch_sql.hpp"
#include "store/postgres/postgres_row.hpp"
#include "store/row_mappers.hpp"
#include "store/write_rules.hpp"

namespace parley::store {

using domain::Message;

namespace {

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

const std::string kMessageByClientId =
    std::string("SELECT ") + kMessageColumns +
    " FROM messages m JOIN users u ON u.id = m.user_id "
    "WHERE m.room_id = $1::bigint AND m.user_id = $2::bigint AND m.client_id = $3::text";

bool is_plain_send(const Write& write) {
  const auto* send = std::get_if<NewMessage>(&write);
  return send != nullptr && !send->reply_to && send->attachments.empty();
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
      results[i] = rules::edit(db_, *w, now_ms_);
    else if (const auto* w = std::get_if<DeleteMessage>(&write))
      results[i] = rules::remove(db_, *w);
    else if (const auto* w = std::get_if<ReactMessage>(&write))
      results[i] = rules::react(db_, *w);
    else if (const auto* w = std::get_if<MarkRead>(&write))
      results[i] = rules::read(db_, *w);
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

WriteResult PostgresBatch::send_one(const NewMessage& in) {
  if (auto refused = db_.refuse_writer(in.room_id, in.user_id)) return rules::outcome(*refused);
  if (in.client_id) {
    auto existing = connection_.query(kMessageByClientId, {in.room_id, in.user_id, in.client_id});
    if (!existing.empty()) {
      WriteResult result = rules::outcome(WriteStatus::duplicate);
      result.message = read_message(PostgresRow(existing, 0));
      return result;
    }
  }
  std::optional<std::int64_t> parent_id;
  if (in.reply_to) {
    auto thread = rules::thread_of(db_, in.room_id, *in.reply_to);
    if (auto* refused = std::get_if<WriteResult>(&thread)) return std::move(*refused);
    parent_id = std::get<std::int64_t>(thread);
  }
  std::vector<domain::Upload> uploads;
  if (!in.attachments.empty()) {
    auto attached = rules::attachments_of(db_, in);
    if (auto* refused = std::get_if<WriteResult>(&attached)) return std::move(*refused);
    uploads = std::move(std::get<std::vector<domain::Upload>>(attached));
  }
  auto mentions = db_.resolve_mentions(in.room_id, in.user_id, in.body);
  auto inserted = connection_.query(
      kInsertMessage, {in.room_id, in.user_id, in.body, in.client_id, in.meta_json, now_ms_,
                       optional_id(parent_id), join_ids(mentions), id_array(mentions)});
  if (inserted.empty()) throw std::logic_error("message insert ignored without a duplicate");
  WriteResult result = rules::outcome(WriteStatus::stored);
  result.message =
      stored_message(in, inserted.int64(0, 0), inserted.text(0, 1), mentions, parent_id);
  result.new_mentions = std::move(mentions);
  rules::attach(db_, result, uploads);
  if (parent_id) rules::add_reply(db_, result, *parent_id, now_ms_);
  return result;
}

}  // namespace parley::store

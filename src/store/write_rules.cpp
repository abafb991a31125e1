#include "store/write_rules.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "common/clock.hpp"
#include "store/attachments_json.hpp"
#include "store/reaction_summary.hpp"

namespace parley::store {

domain::Message WriteDb::message(std::int64_t id) {
  auto found = find_message(id);
  if (!found) throw std::logic_error("message " + std::to_string(id) + " vanished in its batch");
  return std::move(*found);
}

namespace rules {
namespace {

std::string message_ref(std::int64_t id) {
  return "message " + std::to_string(id);
}

// Ids in `a` that are not in `b`.
std::vector<std::int64_t> minus(const std::vector<std::int64_t>& a,
                                const std::vector<std::int64_t>& b) {
  std::vector<std::int64_t> out;
  for (auto id : a)
    if (std::find(b.begin(), b.end(), id) == b.end()) out.push_back(id);
  return out;
}

WriteResult unchanged(WriteDb& db, std::int64_t id) {
  WriteResult result = outcome(WriteStatus::unchanged);
  result.message = db.message(id);
  return result;
}

WriteResult changed(WriteDb& db, std::int64_t id) {
  WriteResult result = outcome(WriteStatus::changed);
  result.message = db.message(id);
  return result;
}

}  // namespace

WriteResult outcome(WriteStatus status, std::string detail) {
  WriteResult result;
  result.status = status;
  result.detail = std::move(detail);
  return result;
}

std::variant<std::int64_t, WriteResult> thread_of(WriteDb& db, std::int64_t room_id,
                                                  std::int64_t reply_to) {
  auto target = db.message_row(room_id, reply_to);
  if (!target)
    return outcome(WriteStatus::invalid,
                   "reply_to: no " + message_ref(reply_to) + " in room " + std::to_string(room_id));
  if (target->deleted)
    return outcome(WriteStatus::invalid, "reply_to: " + message_ref(reply_to) + " is deleted");
  if (!target->reply_to) return reply_to;
  auto parent = db.message_row(*target->reply_to);
  if (!parent || parent->deleted)
    return outcome(WriteStatus::invalid, "reply_to: the thread's first message is deleted");
  return *target->reply_to;
}

void add_reply(WriteDb& db, WriteResult& stored, std::int64_t parent_id, std::int64_t now_ms) {
  db.add_reply(parent_id, now_ms, db.draw_position());
  stored.parent = db.message(parent_id);
}

WriteResult edit(WriteDb& db, const EditMessage& in, std::int64_t now_ms) {
  if (auto refused = db.refuse_writer(in.room_id, in.user_id)) return outcome(*refused);
  auto row = db.message_row(in.room_id, in.message_id);
  if (!row) return outcome(WriteStatus::message_not_found);
  if (row->user_id != in.user_id)
    return outcome(WriteStatus::forbidden,
                   "only the author can edit " + message_ref(in.message_id));
  if (row->deleted)
    return outcome(WriteStatus::conflict, message_ref(in.message_id) + " is deleted");
  const std::optional<std::string> meta = in.replace_meta ? in.meta_json : row->meta_json;
  if (row->body == in.body && meta == row->meta_json) return unchanged(db, in.message_id);
  const std::vector<std::int64_t> after = db.resolve_mentions(in.room_id, in.user_id, in.body);
  db.set_body(in.message_id, in.body, meta, now_ms, db.draw_position(), after);
  db.write_mention_rows(in.room_id, in.message_id, minus(row->mentions, after), false);
  const std::vector<std::int64_t> added = minus(after, row->mentions);
  db.write_mention_rows(in.room_id, in.message_id, added, true);
  WriteResult result = changed(db, in.message_id);
  result.new_mentions = added;
  return result;
}

std::variant<std::vector<domain::Upload>, WriteResult> attachments_of(WriteDb& db,
                                                                      const NewMessage& in) {
  for (std::size_t i = 0; i < in.attachments.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (in.attachments[i] == in.attachments[k])
        return outcome(WriteStatus::invalid, "attachments: each upload at most once");
  auto uploads = db.own_uploads(in.user_id, in.attachments);
  if (!uploads) return outcome(WriteStatus::invalid, "attachments: only ids of your own uploads");
  return std::move(*uploads);
}

void attach(WriteDb& db, WriteResult& stored, std::span<const domain::Upload> uploads) {
  if (uploads.empty()) return;
  std::string json = attachments_json(uploads);
  db.attach_uploads(stored.message.id, uploads, json);
  stored.message.attachments_json = std::move(json);
}

WriteResult remove(WriteDb& db, const DeleteMessage& in) {
  if (auto refused = db.refuse_writer(in.room_id, in.user_id)) return outcome(*refused);
  auto row = db.message_row(in.room_id, in.message_id);
  if (!row) return outcome(WriteStatus::message_not_found);
  if (row->user_id != in.user_id && !db.may_moderate(in.room_id, in.user_id))
    return outcome(
        WriteStatus::forbidden,
        "only the author, the room's owner or an admin can delete " + message_ref(in.message_id));
  if (row->deleted) return unchanged(db, in.message_id);
  db.make_tombstone(in.message_id, db.draw_position());
  db.detach_uploads(in.message_id, now_ms());
  db.write_mention_rows(in.room_id, in.message_id, row->mentions, false);
  // No longer one of the author's own unread messages (unread counts leave deleted ones out).
  db.forget_own_unread(in.room_id, row->user_id, in.message_id);
  return changed(db, in.message_id);
}

WriteResult react(WriteDb& db, const ReactMessage& in) {
  if (auto refused = db.refuse_writer(in.room_id, in.user_id)) return outcome(*refused);
  auto row = db.message_row(in.room_id, in.message_id);
  if (!row) return outcome(WriteStatus::message_not_found);
  if (row->deleted)
    return outcome(WriteStatus::conflict, message_ref(in.message_id) + " is deleted");
  ReactionSummary summary(db.reaction_rows(in.message_id));
  if (summary.has(in.emoji, in.user_id) == in.on) return unchanged(db, in.message_id);
  if (in.on && !summary.has_emoji(in.emoji) && summary.distinct_emoji() >= kMaxDistinctReactions)
    return outcome(WriteStatus::invalid, "emoji: a message holds at most 20 distinct reactions");
  const std::int64_t position = db.draw_position();
  if (in.on) {
    ReactionRow added{in.emoji, in.user_id, position, 0};
    added.first_pos = summary.add(added);
    db.insert_reaction(in.message_id, added);
  } else {
    db.delete_reaction(in.message_id, in.emoji, in.user_id);
    summary.remove(in.emoji, in.user_id);
  }
  db.set_reactions(in.message_id, summary.to_json(), position);
  return changed(db, in.message_id);
}

WriteResult read(WriteDb& db, const MarkRead& in) {
  if (auto refused = db.refuse_writer(in.room_id, in.user_id)) return outcome(*refused);
  WriteResult result = outcome(WriteStatus::unchanged);
  const WriteDb::ReadPosition now = db.read_position(in.room_id, in.user_id);
  result.member_count = now.member_count;
  const std::int64_t target = std::min(in.up_to, now.newest_id);
  if (target > now.last_read) {
    db.move_read(in.room_id, in.user_id, target, now.last_read);
    result.status = WriteStatus::changed;
  }
  result.read = db.read_state(in.room_id, in.user_id);
  return result;
}

}  // namespace rules
}  // namespace parley::store

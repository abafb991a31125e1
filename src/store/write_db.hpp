#pragma once
// The statements the shared write rules (store/write_rules.hpp) need from a backend, run inside a
// write batch's transaction, in write order. SqliteWriteDb and PostgresWriteDb implement it.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/message.hpp"
#include "domain/read_state.hpp"
#include "domain/upload.hpp"
#include "store/reaction_summary.hpp"
#include "store/records.hpp"

namespace parley::store {

class WriteDb {
 public:
  // What the rules read of a message.
  struct MessageRow {
    std::int64_t user_id = 0;
    bool deleted = false;
    std::string body;
    std::optional<std::string> meta_json;
    std::vector<std::int64_t> mentions;
    std::optional<std::int64_t> reply_to;
  };
  struct ReadPosition {
    std::int64_t member_count = 0;
    std::int64_t newest_id = 0;  // the room's newest message, deleted ones included; 0: none
    std::int64_t last_read = 0;
  };

  virtual ~WriteDb() = default;

  // room_not_found / not_member_private / not_member_public, or nullopt when `user_id` may write.
  virtual std::optional<WriteStatus> refuse_writer(std::int64_t room_id, std::int64_t user_id) = 0;
  // The message when it is in that room.
  virtual std::optional<MessageRow> message_row(std::int64_t room_id, std::int64_t id) = 0;
  virtual std::optional<MessageRow> message_row(std::int64_t id) = 0;
  // The room's owner or an admin.
  virtual bool may_moderate(std::int64_t room_id, std::int64_t user_id) = 0;
  // The next number of the message id sequence: a change's position.
  virtual std::int64_t draw_position() = 0;
  // The room's members `body` names (domain::mentioned_names), the sender left out, in order.
  virtual std::vector<std::int64_t> resolve_mentions(std::int64_t room_id, std::int64_t sender_id,
                                                     std::string_view body) = 0;
  virtual void write_mention_rows(std::int64_t room_id, std::int64_t message_id,
                                  std::span<const std::int64_t> users, bool insert) = 0;
  virtual void set_body(std::int64_t id, std::string_view body,
                        const std::optional<std::string>& meta, std::int64_t edited_at,
                        std::int64_t rev, std::span<const std::int64_t> mentions) = 0;
  // Deleted: emptied (body, meta, reactions, mentions, edited_at) at `rev`.
  virtual void make_tombstone(std::int64_t id, std::int64_t rev) = 0;
  // An own message of `author` above their read position was deleted.
  virtual void forget_own_unread(std::int64_t room_id, std::int64_t author, std::int64_t id) = 0;
  virtual std::vector<ReactionRow> reaction_rows(std::int64_t id) = 0;
  virtual void insert_reaction(std::int64_t id, const ReactionRow& row) = 0;
  virtual void delete_reaction(std::int64_t id, std::string_view emoji, std::int64_t user_id) = 0;
  virtual void set_reactions(std::int64_t id, const std::optional<std::string>& json,
                             std::int64_t rev) = 0;
  // A reply was stored in the thread of `parent_id`.
  virtual void add_reply(std::int64_t parent_id, std::int64_t last_reply_at, std::int64_t rev) = 0;
  virtual ReadPosition read_position(std::int64_t room_id, std::int64_t user_id) = 0;
  // Moves the read position forward to `up_to` (from `last_read`), own messages recounted.
  virtual void move_read(std::int64_t room_id, std::int64_t user_id, std::int64_t up_to,
                         std::int64_t last_read) = 0;
  virtual domain::ReadState read_state(std::int64_t room_id, std::int64_t user_id) = 0;
  virtual std::optional<domain::Message> find_message(std::int64_t id) = 0;
  // The uploads of `user_id` with these ids, in this order; nullopt when one is not theirs.
  virtual std::optional<std::vector<domain::Upload>> own_uploads(
      std::int64_t user_id, std::span<const std::int64_t> ids) = 0;
  // The new message carries them; `json` is their wire array.
  virtual void attach_uploads(std::int64_t message_id, std::span<const domain::Upload> uploads,
                              const std::string& json) = 0;
  // A deleted message carries nothing any more: uploads no message carries from now on are
  // detached at `now_ms`.
  virtual void detach_uploads(std::int64_t message_id, std::int64_t now_ms) = 0;
  // The current state of a message the batch knows to exist.
  domain::Message message(std::int64_t id);
};

}  // namespace parley::store

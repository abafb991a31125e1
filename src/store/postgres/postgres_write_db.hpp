#pragma once
// The statements the shared write rules (store/write_rules.hpp) run on PostgreSQL: the `Db` of
// those rules, on the batch's connection, inside its transaction (holding the messages lock).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/message.hpp"
#include "domain/read_state.hpp"
#include "store/postgres/postgres_connection.hpp"
#include "store/reaction_summary.hpp"
#include "store/records.hpp"
#include "store/write_db.hpp"

namespace parley::store {

class PostgresWriteDb : public WriteDb {
 public:
  explicit PostgresWriteDb(PostgresConnection& db) : db_(db) {}

  std::optional<WriteStatus> refuse_writer(std::int64_t room_id, std::int64_t user_id) override;
  std::optional<MessageRow> message_row(std::int64_t room_id, std::int64_t id) override;
  std::optional<MessageRow> message_row(std::int64_t id) override;
  bool may_moderate(std::int64_t room_id, std::int64_t user_id) override;
  std::int64_t draw_position() override;
  std::vector<std::int64_t> resolve_mentions(std::int64_t room_id, std::int64_t sender_id,
                                             std::string_view body) override;
  void write_mention_rows(std::int64_t room_id, std::int64_t message_id,
                          std::span<const std::int64_t> users, bool insert) override;
  void set_body(std::int64_t id, std::string_view body, const std::optional<std::string>& meta,
                std::int64_t edited_at, std::int64_t rev,
                std::span<const std::int64_t> mentions) override;
  void make_tombstone(std::int64_t id, std::int64_t rev) override;
  void forget_own_unread(std::int64_t room_id, std::int64_t author, std::int64_t id) override;
  std::vector<ReactionRow> reaction_rows(std::int64_t id) override;
  void insert_reaction(std::int64_t id, const ReactionRow& row) override;
  void delete_reaction(std::int64_t id, std::string_view emoji, std::int64_t user_id) override;
  void set_reactions(std::int64_t id, const std::optional<std::string>& json,
                     std::int64_t rev) override;
  void add_reply(std::int64_t parent_id, std::int64_t last_reply_at, std::int64_t rev) override;
  ReadPosition read_position(std::int64_t room_id, std::int64_t user_id) override;
  void move_read(std::int64_t room_id, std::int64_t user_id, std::int64_t up_to,
                 std::int64_t last_read) override;
  domain::ReadState read_state(std::int64_t room_id, std::int64_t user_id) override;
  std::optional<domain::Message> find_message(std::int64_t id) override;
  std::optional<std::vector<domain::Upload>> own_uploads(
      std::int64_t user_id, std::span<const std::int64_t> ids) override;
  void attach_uploads(std::int64_t message_id, std::span<const domain::Upload> uploads,
                      const std::string& json) override;
  void detach_uploads(std::int64_t message_id, std::int64_t now_ms) override;

 private:
  PostgresConnection& db_;
};

}  // namespace parley::store

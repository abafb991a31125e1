#pragma once
// One batch of the group-commit writer on PostgreSQL: runs each write in order on a connection
// whose transaction (holding the messages lock) the caller opened and commits. Runs of plain
// sends are pipelined (one round trip per stage, not per message); the other writes go one by
// one.

#include <cstdint>
#include <span>
#include <vector>

#include "store/postgres/postgres_connection.hpp"
#include "store/records.hpp"

namespace parley::store {

class PostgresBatch {
 public:
  PostgresBatch(PostgresConnection& connection, std::int64_t now_ms)
      : connection_(connection), now_ms_(now_ms) {}

  std::vector<WriteResult> run(std::span<const Write> batch);

 private:
  // batch[first, last) are sends without reply_to.
  void send_run(std::span<const Write> batch, std::size_t first, std::size_t last,
                std::vector<WriteResult>& results);
  WriteResult send_one(const NewMessage& in);
  WriteResult edit(const EditMessage& in);
  WriteResult remove(const DeleteMessage& in);
  WriteResult react(const ReactMessage& in);
  WriteResult read(const MarkRead& in);

  std::optional<WriteStatus> refuse_writer(std::int64_t room_id, std::int64_t user_id);
  std::int64_t draw_position();
  std::vector<std::int64_t> resolve_mentions(std::int64_t room_id, std::int64_t sender_id,
                                             std::string_view body);
  void write_mention_rows(std::int64_t room_id, std::int64_t message_id,
                          std::span<const std::int64_t> users, bool insert);
  std::optional<domain::Message> message_by_id(std::int64_t id);
  domain::Message stored_message(const NewMessage& in, std::int64_t id, std::string username,
                                 std::vector<std::int64_t> mentions,
                                 std::optional<std::int64_t> reply_to) const;

  PostgresConnection& connection_;
  std::int64_t now_ms_;
};

}  // namespace parley::store

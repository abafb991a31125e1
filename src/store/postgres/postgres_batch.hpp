#pragma once
// One batch of the group-commit writer on PostgreSQL: runs each write in order on a connection
// whose transaction (holding the messages lock) the caller opened and commits. Runs of plain
// sends are pipelined (one round trip per stage, not per message); the other writes go one by
// one, by the shared rules.

#include <cstdint>
#include <span>
#include <vector>

#include "store/postgres/postgres_connection.hpp"
#include "store/postgres/postgres_write_db.hpp"
#include "store/records.hpp"

namespace parley::store {

class PostgresBatch {
 public:
  PostgresBatch(PostgresConnection& connection, std::int64_t now_ms)
      : connection_(connection), db_(connection), now_ms_(now_ms) {}

  std::vector<WriteResult> run(std::span<const Write> batch);

 private:
  // batch[first, last) are sends without reply_to.
  void send_run(std::span<const Write> batch, std::size_t first, std::size_t last,
                std::vector<WriteResult>& results);
  // A send with reply_to: one by one, as its parent changes right after it.
  WriteResult send_one(const NewMessage& in);
  domain::Message stored_message(const NewMessage& in, std::int64_t id, std::string username,
                                 std::vector<std::int64_t> mentions,
                                 std::optional<std::int64_t> reply_to) const;

  PostgresConnection& connection_;
  PostgresWriteDb db_;  // the other writes follow store/write_rules.hpp
  std::int64_t now_ms_;
};

}  // namespace parley::store

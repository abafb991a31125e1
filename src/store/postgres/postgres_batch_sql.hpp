#pragma once
// What the statements of a write batch on PostgreSQL share (PostgresBatch's pipelined sends and
// PostgresWriteDb's other writes): the writer check, the mention lookup and the text forms of the
// arrays they pass.

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "store/id_list.hpp"
#include "store/postgres/postgres_result.hpp"

namespace parley::store {

// FOR KEY SHARE keeps a checked room from being deleted until the batch commits, so that no
// insert can fail its foreign key halfway through the batch.
inline constexpr const char* kCheckWriter =
    "SELECT r.is_private, EXISTS (SELECT 1 FROM members m WHERE m.room_id = r.id AND "
    "m.user_id = $2::bigint) FROM rooms r WHERE r.id = $1::bigint FOR KEY SHARE OF r";

// $1 room, $2 lowercased names: (id, lowercased username) of the members named.
inline constexpr const char* kMentionLookup =
    "SELECT u.id, lower(u.username COLLATE \"C\") FROM users u JOIN members m "
    "ON m.user_id = u.id AND m.room_id = $1::bigint "
    "WHERE lower(u.username COLLATE \"C\") = ANY($2::text[])";

// Text forms of PostgreSQL arrays. Usernames hold only A-Z a-z 0-9 _ . -, so quoting is enough.
inline std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    out += items[i];
    out += '"';
  }
  out += '}';
  return out;
}

inline std::string id_array(std::span<const std::int64_t> ids) {
  std::string out = "{";
  if (auto joined = join_ids(ids)) out += *joined;
  out += '}';
  return out;
}

// The member ids kMentionLookup's `rows` name, in the order of `names`, without the sender.
inline std::vector<std::int64_t> ids_in_order(const std::vector<std::string>& names,
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

}  // namespace parley::store

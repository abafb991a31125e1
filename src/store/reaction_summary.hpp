#pragma once
// A message's reactions as the contract shows them, built from the reaction rows: each emoji once,
// ordered by first use (when it first appeared on the message; it keeps its place while anyone
// still uses it), with its count and the first 100 users who chose it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::store {

inline constexpr std::size_t kMaxReactionUsers = 100;
inline constexpr std::size_t kMaxDistinctReactions = 20;

struct ReactionRow {
  std::string emoji;
  std::int64_t user_id = 0;
  std::int64_t pos = 0;        // the position drawn when the user added it
  std::int64_t first_pos = 0;  // the emoji's first use on the message, when this row was added
};

// The rows of one message, in any order.
class ReactionSummary {
 public:
  explicit ReactionSummary(std::vector<ReactionRow> rows);

  bool has(std::string_view emoji, std::int64_t user_id) const;
  bool has_emoji(std::string_view emoji) const;
  std::size_t distinct_emoji() const;

  // Sets row.first_pos (the emoji's, or row.pos when the emoji is new on the message) and
  // returns it.
  std::int64_t add(ReactionRow row);
  void remove(std::string_view emoji, std::int64_t user_id);

  // `[{"emoji","count","users":[…]}, …]`, or nullopt when there are none (stored as NULL).
  std::optional<std::string> to_json() const;

 private:
  std::vector<ReactionRow> rows_;  // by pos
};

}  // namespace parley::store

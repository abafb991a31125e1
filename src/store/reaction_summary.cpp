#include "store/reaction_summary.hpp"

#include <algorithm>
#include <utility>

#include "common/json_escape.hpp"

namespace parley::store {

ReactionSummary::ReactionSummary(std::vector<ReactionRow> rows) : rows_(std::move(rows)) {
  std::sort(rows_.begin(), rows_.end(),
            [](const ReactionRow& a, const ReactionRow& b) { return a.pos < b.pos; });
}

bool ReactionSummary::has(std::string_view emoji, std::int64_t user_id) const {
  return std::any_of(rows_.begin(), rows_.end(), [&](const ReactionRow& r) {
    return r.user_id == user_id && r.emoji == emoji;
  });
}

bool ReactionSummary::has_emoji(std::string_view emoji) const {
  return std::any_of(rows_.begin(), rows_.end(),
                     [&](const ReactionRow& r) { return r.emoji == emoji; });
}

std::size_t ReactionSummary::distinct_emoji() const {
  std::vector<std::string_view> seen;
  for (const auto& r : rows_)
    if (std::find(seen.begin(), seen.end(), r.emoji) == seen.end()) seen.push_back(r.emoji);
  return seen.size();
}

std::int64_t ReactionSummary::add(ReactionRow row) {
  row.first_pos = row.pos;
  for (const auto& r : rows_)
    if (r.emoji == row.emoji) row.first_pos = std::min(row.first_pos, r.first_pos);
  auto at = std::upper_bound(rows_.begin(), rows_.end(), row.pos,
                             [](std::int64_t pos, const ReactionRow& r) { return pos < r.pos; });
  const std::int64_t first_pos = row.first_pos;
  rows_.insert(at, std::move(row));
  return first_pos;
}

void ReactionSummary::remove(std::string_view emoji, std::int64_t user_id) {
  std::erase_if(rows_,
                [&](const ReactionRow& r) { return r.user_id == user_id && r.emoji == emoji; });
}

std::optional<std::string> ReactionSummary::to_json() const {
  if (rows_.empty()) return std::nullopt;
  // Emoji in order of first use: the smallest first_pos among each emoji's rows.
  std::vector<std::pair<std::int64_t, std::string_view>> first_use;
  for (const auto& r : rows_) {
    auto it = std::find_if(first_use.begin(), first_use.end(),
                           [&](const auto& e) { return e.second == r.emoji; });
    if (it == first_use.end())
      first_use.emplace_back(r.first_pos, r.emoji);
    else
      it->first = std::min(it->first, r.first_pos);
  }
  std::sort(first_use.begin(), first_use.end());
  std::vector<std::string_view> order;
  for (const auto& e : first_use) order.push_back(e.second);
  std::string out = "[";
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i) out += ',';
    std::size_t count = 0;
    std::string users;
    for (const auto& r : rows_) {
      if (r.emoji != order[i]) continue;
      if (count < kMaxReactionUsers) {
        if (count) users += ',';
        users += std::to_string(r.user_id);
      }
      ++count;
    }
    out += "{\"emoji\":\"";
    append_json_escaped(out, order[i]);
    out += "\",\"count\":";
    out += std::to_string(count);
    out += ",\"users\":[";
    out += users;
    out += "]}";
  }
  out += ']';
  return out;
}

}  // namespace parley::store

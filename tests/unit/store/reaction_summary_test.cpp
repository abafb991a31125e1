#include "store/reaction_summary.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley::store {
namespace {

// One emoji's entry as the wire shows it.
// Built by appending: GCC 12 warns (-Wrestrict, a false positive) on literal + string chains.
std::string entry(const std::string& emoji, std::size_t count, const std::string& users) {
  std::string out = "{\"emoji\":\"";
  out += emoji;
  out += "\",\"count\":";
  out += std::to_string(count);
  out += ",\"users\":[";
  out += users;
  out += "]}";
  return out;
}

// The JSON array of `entries`.
std::string array(const std::vector<std::string>& entries) {
  std::string out = "[";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out += ',';
    out += entries[i];
  }
  out += ']';
  return out;
}

TEST(ReactionSummary, NoRowsIsNoReactions) {
  ReactionSummary summary({});
  EXPECT_FALSE(summary.to_json().has_value());
  EXPECT_FALSE(summary.has("👍", 1));
  EXPECT_FALSE(summary.has_emoji("👍"));
  EXPECT_EQ(summary.distinct_emoji(), 0u);
}

TEST(ReactionSummary, EmojiByFirstUseUsersByWhenTheyReacted) {
  // Rows come in any order (as read from the table); first_pos is each emoji's first use.
  ReactionSummary summary({{"🎉", 7, 14, 12},
                           {"👍", 5, 10, 10},
                           {"🎉", 3, 12, 12},
                           {"👍", 9, 11, 10},
                           {":ship-it:", 5, 13, 13}});
  EXPECT_EQ(summary.to_json(),
            array({entry("👍", 2, "5,9"), entry("🎉", 2, "3,7"), entry(":ship-it:", 1, "5")}));
  EXPECT_EQ(summary.distinct_emoji(), 3u);
  EXPECT_TRUE(summary.has("🎉", 7));
  EXPECT_FALSE(summary.has("🎉", 5));
  EXPECT_TRUE(summary.has_emoji(":ship-it:"));
  EXPECT_FALSE(summary.has_emoji("🚀"));
}

TEST(ReactionSummary, AnEmojiKeepsItsPlaceWhileAnyoneStillUsesIt) {
  ReactionSummary summary({});
  EXPECT_EQ(summary.add({"👍", 1, 10, 0}), 10);  // new on the message: its own position
  EXPECT_EQ(summary.add({"🎉", 2, 11, 0}), 11);
  EXPECT_EQ(summary.add({"👍", 3, 12, 0}), 10);  // an emoji already there: its first use
  summary.remove("👍", 1);                       // the first to use it leaves
  EXPECT_EQ(summary.to_json(), array({entry("👍", 1, "3"), entry("🎉", 1, "2")}));
  // What the store would read back: the remaining row carries the emoji's first use.
  ReactionSummary reread({{"🎉", 2, 11, 11}, {"👍", 3, 12, 10}});
  EXPECT_EQ(reread.to_json(), summary.to_json());

  summary.remove("👍", 3);  // nobody uses it any more: it loses its place
  EXPECT_EQ(summary.to_json(), array({entry("🎉", 1, "2")}));
  EXPECT_EQ(summary.add({"👍", 1, 20, 0}), 20);
  EXPECT_EQ(summary.to_json(), array({entry("🎉", 1, "2"), entry("👍", 1, "1")}));
  summary.remove("🎉", 2);
  summary.remove("👍", 1);
  EXPECT_FALSE(summary.to_json().has_value());
  summary.remove("👍", 1);  // absent: nothing happens
  EXPECT_EQ(summary.distinct_emoji(), 0u);
}

TEST(ReactionSummary, UsersAreCappedAtOneHundredButCountAll) {
  std::vector<ReactionRow> rows;
  // Added in reverse so that the order must come from pos, not from the input.
  for (std::int64_t user = 150; user >= 1; --user) rows.push_back({"👍", user, 1000 + user, 1001});
  ReactionSummary summary(std::move(rows));
  std::string first_hundred;
  for (std::int64_t user = 1; user <= 100; ++user) {
    if (user > 1) first_hundred += ',';
    first_hundred += std::to_string(user);
  }
  EXPECT_EQ(summary.to_json(), array({entry("👍", 150, first_hundred)}));
  EXPECT_EQ(kMaxReactionUsers, 100u);
}

TEST(ReactionSummary, EmojiTextIsEscapedAsJson) {
  ReactionSummary summary({{"a\"b\\c", 1, 1, 1}});
  EXPECT_EQ(summary.to_json(), R"([{"emoji":"a\"b\\c","count":1,"users":[1]}])");
}

TEST(ReactionSummary, DistinctEmojiCountsEachOnce) {
  ReactionSummary summary({});
  for (std::int64_t i = 0; i < 20; ++i) {
    std::string emoji = "e";
    emoji += std::to_string(i);
    summary.add({emoji, 1, 10 + i, 0});
  }
  summary.add({"e3", 2, 40, 0});
  EXPECT_EQ(summary.distinct_emoji(), kMaxDistinctReactions);
}

}  // namespace
}  // namespace parley::store

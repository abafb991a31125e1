#include "domain/mentions.hpp"

#include <gtest/gtest.h>

namespace parley::domain {
namespace {

using Names = std::vector<std::string>;

TEST(MentionedNames, ContractExamples) {
  EXPECT_EQ(mentioned_names("hi @Bob."), Names{"bob"});
  EXPECT_EQ(mentioned_names("@bobby"), Names{"bobby"});  // bobby, never bob
  EXPECT_EQ(mentioned_names("@bob_x"), Names{"bob_x"});
}

TEST(MentionedNames, AtStartOrAfterANonNameCharacter) {
  EXPECT_EQ(mentioned_names("@alice hi"), Names{"alice"});
  EXPECT_EQ(mentioned_names("(@alice)"), Names{"alice"});
  EXPECT_EQ(mentioned_names("hé@alice"), Names{"alice"});  // after a non-ASCII letter
  EXPECT_TRUE(mentioned_names("mail alice@example.com").empty());
  EXPECT_TRUE(mentioned_names("x.@alice").empty());
  EXPECT_TRUE(mentioned_names("a-@alice").empty());
}

TEST(MentionedNames, TrailingDotsAreNotPartOfTheName) {
  EXPECT_EQ(mentioned_names("thanks @a.b.c..."), Names{"a.b.c"});
  EXPECT_EQ(mentioned_names("@bob...?"), Names{"bob"});
  EXPECT_TRUE(mentioned_names("@.....").empty());
}

TEST(MentionedNames, LowercasedDeduplicatedInOrder) {
  EXPECT_EQ(mentioned_names("@Carol @bob @CAROL @alice"), (Names{"carol", "bob", "alice"}));
}

TEST(MentionedNames, RunsThatCannotBeUsernamesAreSkipped) {
  EXPECT_TRUE(mentioned_names("@ab @ @@ @").empty());
  EXPECT_TRUE(mentioned_names("@" + std::string(33, 'a')).empty());
  EXPECT_EQ(mentioned_names("@" + std::string(32, 'a')), Names{std::string(32, 'a')});
  EXPECT_EQ(mentioned_names("@@bob"), Names{"bob"});  // the second @ starts after a non-name char
}

}  // namespace
}  // namespace parley::domain

#include "store/sqlite/pending_client_keys.hpp"

#include <gtest/gtest.h>

#include <string>

namespace parley::store::test {

namespace {

ClientKey key(std::int64_t room, std::int64_t user, std::string client_id) {
  return {room, user, std::move(client_id)};
}

}  // namespace

TEST(PendingClientKeys, FindsKeysInBothGenerationsUntilWritten) {
  PendingClientKeys keys(2);
  keys.add(key(1, 10, "a"), 100);
  keys.add(key(2, 10, "b"), 101);
  keys.seal_if_full();
  keys.add(key(1, 10, "c"), 102);
  EXPECT_EQ(keys.sealed_size(), 2u);
  EXPECT_EQ(keys.open_size(), 1u);
  EXPECT_EQ(keys.find({1, 10, "a"}), 100);
  EXPECT_EQ(keys.find({2, 10, "b"}), 101);
  EXPECT_EQ(keys.find({1, 10, "c"}), 102);
  EXPECT_EQ(keys.find({1, 11, "a"}), std::nullopt);  // another sender's key
  EXPECT_EQ(keys.find({2, 10, "a"}), std::nullopt);  // another room's key

  keys.written(1);  // the first in key order: (1, 10, "a")
  EXPECT_EQ(keys.find({1, 10, "a"}), std::nullopt);
  EXPECT_EQ(keys.find({2, 10, "b"}), 101);
}

TEST(PendingClientKeys, WritesASealedGenerationInKeyOrderAndReportsWhereItEnds) {
  PendingClientKeys keys(3);
  keys.add(key(2, 1, "x"), 1);
  keys.add(key(1, 2, "b"), 2);
  keys.add(key(1, 2, "a"), 3);
  EXPECT_TRUE(keys.next_chunk(10).empty());  // nothing sealed yet
  keys.seal_if_full();
  keys.add(key(9, 9, "later"), 4);

  auto chunk = keys.next_chunk(2);
  ASSERT_EQ(chunk.size(), 2u);
  EXPECT_EQ(chunk[0].key->client_id, "a");
  EXPECT_EQ(chunk[0].message_id, 3);
  EXPECT_EQ(chunk[1].key->client_id, "b");
  EXPECT_FALSE(keys.drains(2));
  keys.written(2);

  chunk = keys.next_chunk(2);
  ASSERT_EQ(chunk.size(), 1u);
  EXPECT_EQ(chunk[0].key->room_id, 2);
  EXPECT_TRUE(keys.drains(1));
  EXPECT_EQ(keys.sealed_through(), 3);  // the newest message of the sealed generation
  keys.written(1);
  EXPECT_FALSE(keys.drains(0));
  EXPECT_EQ(keys.find({9, 9, "later"}), 4);
}

TEST(PendingClientKeys, DoesNotSealAgainBeforeTheSealedGenerationIsWritten) {
  PendingClientKeys keys(1);
  keys.add(key(1, 1, "a"), 1);
  keys.seal_if_full();
  keys.add(key(1, 1, "b"), 2);
  keys.seal_if_full();
  EXPECT_EQ(keys.sealed_size(), 1u);
  EXPECT_EQ(keys.open_size(), 1u);
  keys.written(1);
  keys.seal_if_full();
  EXPECT_EQ(keys.sealed_size(), 1u);
  EXPECT_EQ(keys.sealed_through(), 2);
}

TEST(PendingClientKeys, RemoveUndoesAnAddAndEraseRoomDropsOnlyThatRoom) {
  PendingClientKeys keys(3);
  keys.add(key(1, 1, "a"), 1);
  keys.add(key(2, 1, "a"), 2);
  keys.add(key(3, 1, "a"), 3);
  keys.seal_if_full();
  keys.add(key(2, 5, "z"), 4);
  keys.add(key(4, 1, "q"), 5);
  keys.remove(key(4, 1, "q"));
  EXPECT_EQ(keys.find({4, 1, "q"}), std::nullopt);

  keys.erase_room(2);
  EXPECT_EQ(keys.find({2, 1, "a"}), std::nullopt);
  EXPECT_EQ(keys.find({2, 5, "z"}), std::nullopt);
  EXPECT_EQ(keys.find({1, 1, "a"}), 1);
  EXPECT_EQ(keys.find({3, 1, "a"}), 3);
  EXPECT_EQ(keys.sealed_size(), 2u);
  EXPECT_EQ(keys.open_size(), 0u);

  // A sealed generation emptied by deletions still ends, so that its end gets recorded.
  keys.erase_room(1);
  keys.erase_room(3);
  EXPECT_TRUE(keys.drains(0));
  keys.written(0);
  EXPECT_FALSE(keys.drains(0));
}

}  // namespace parley::store::test

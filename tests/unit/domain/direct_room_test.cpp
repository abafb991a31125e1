#include "domain/direct_room.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace parley::domain {
namespace {

User user(std::int64_t id, std::string name) {
  User u;
  u.id = id;
  u.username = std::move(name);
  return u;
}

TEST(DirectRoom, IsTheSameRoomFromEitherSide) {
  User alice = user(12, "alice");
  User bob = user(3, "bob");
  DirectRoom from_alice = direct_room(alice, bob);
  DirectRoom from_bob = direct_room(bob, alice);
  EXPECT_EQ(from_alice.key, "3:12");
  EXPECT_EQ(from_alice.name, "dm:bob,alice");  // usernames in the order of their ids
  EXPECT_EQ(from_bob.key, from_alice.key);
  EXPECT_EQ(from_bob.name, from_alice.name);
}

TEST(DirectRoom, KeysOrderIdsNumericallyNotAsText) {
  EXPECT_EQ(direct_room(user(9, "nine"), user(10, "ten")).key, "9:10");
}

TEST(DirectRoom, NeedsTwoUsers) {
  User alice = user(1, "alice");
  EXPECT_THROW(direct_room(alice, alice), std::invalid_argument);
}

}  // namespace
}  // namespace parley::domain

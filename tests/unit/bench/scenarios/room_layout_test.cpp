#include "scenarios/room_layout.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace parley::bench {
namespace {

TEST(RoomLayout, OneInstanceTakesEveryone) {
  for (auto layout : {RoomLayout::spread, RoomLayout::apart_from_sender})
    for (std::size_t member = 0; member < 10; ++member)
      EXPECT_EQ(instance_of(layout, 7, member, 1), 0u);
}

TEST(RoomLayout, SpreadBalancesMembersAndSenders) {
  std::vector<int> members(3), senders(3);
  for (std::size_t room = 0; room < 30; ++room) {
    ++senders[instance_of(RoomLayout::spread, room, 0, 3)];
    for (std::size_t member = 0; member < 9; ++member)
      ++members[instance_of(RoomLayout::spread, room, member, 3)];
  }
  EXPECT_EQ(members, (std::vector<int>{90, 90, 90}));
  EXPECT_EQ(senders, (std::vector<int>{10, 10, 10}));
}

TEST(RoomLayout, ApartFromSenderPutsTheOthersElsewhereAndCoversEveryInstance) {
  for (std::size_t instances : {2u, 3u, 4u}) {
    for (std::size_t room = 0; room < 12; ++room) {
      const std::size_t home = instance_of(RoomLayout::apart_from_sender, room, 0, instances);
      EXPECT_EQ(home, room % instances);  // senders spread over instances by room
      std::set<std::size_t> used{home};
      for (std::size_t member = 1; member < 10; ++member) {
        const std::size_t at = instance_of(RoomLayout::apart_from_sender, room, member, instances);
        EXPECT_NE(at, home) << instances << " " << room << " " << member;
        EXPECT_LT(at, instances);
        used.insert(at);
      }
      EXPECT_EQ(used.size(), instances);
    }
  }
}

}  // namespace
}  // namespace parley::bench

#include "realtime/presence.hpp"

#include <gtest/gtest.h>

namespace parley::realtime {
namespace {

domain::User user(std::int64_t id, std::string role = "user") {
  domain::User u;
  u.id = id;
  u.username = std::to_string(id);
  u.role = std::move(role);
  return u;
}

TEST(Presence, FirstAndLastConnectionOfAUserInARoom) {
  Presence p;
  EXPECT_TRUE(p.join(7, user(1)));
  EXPECT_FALSE(p.join(7, user(1)));  // second connection of the same user
  EXPECT_TRUE(p.join(7, user(2)));
  EXPECT_EQ(p.online_in(7).size(), 2u);
  EXPECT_EQ(p.connections_in(7), 3u);
  EXPECT_FALSE(p.leave(7, 1));
  EXPECT_TRUE(p.leave(7, 1));
  EXPECT_FALSE(p.leave(7, 1));  // already gone
  EXPECT_EQ(p.online_in(7).size(), 1u);
  EXPECT_EQ(p.rooms_active(), 1u);
  p.drop_room(7);
  EXPECT_EQ(p.rooms_active(), 0u);
}

TEST(Presence, CountsConnectionsByUserAndRole) {
  Presence p;
  p.connect(user(1, "admin"));
  p.connect(user(1, "admin"));
  p.connect(user(2));
  EXPECT_EQ(p.users_online(), 2u);
  EXPECT_EQ(p.connections_of(1), 2u);
  EXPECT_EQ(p.connections_with_role("admin"), 2u);
  EXPECT_EQ(p.connections_with_role("user"), 1u);
  p.disconnect(1);
  EXPECT_TRUE(p.is_connected(1));
  p.disconnect(1);
  EXPECT_FALSE(p.is_connected(1));
  EXPECT_EQ(p.users_online(), 1u);
}

}  // namespace
}  // namespace parley::realtime

#include "realtime/hub_shard.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace parley::realtime {
namespace {

// Records what it was handed; optionally unsubscribes itself during a delivery.
class FakeSubscriber : public Subscriber {
 public:
  FakeSubscriber(std::int64_t user, std::string role = "user")
      : user_(user), role_(std::move(role)) {}
  std::int64_t user_id() const noexcept override { return user_; }
  const std::string& role() const noexcept override { return role_; }
  bool send_delivery(const Delivery& d) override {
    received.push_back(d.frame);
    if (during_delivery) during_delivery();
    return true;
  }
  void on_membership_ended(std::int64_t room_id) override { ended.push_back(room_id); }
  void on_role_changed(const std::string& role) override { role_ = role; }
  std::vector<std::int64_t> ended;
  std::vector<net::SharedFrame> received;
  std::function<void()> during_delivery;

 private:
  std::int64_t user_;
  std::string role_;
};

Delivery message(std::int64_t room, std::int64_t id) {
  return Delivery::room_event(room, id, 0, std::make_shared<const std::string>("m"));
}

TEST(HubShard, DeliversTheSameFrameToEverySubscriberOfTheRoom) {
  HubShard shard;
  FakeSubscriber a(1), b(2), c(3);
  shard.subscribe(7, &a);
  shard.subscribe(7, &b);
  shard.subscribe(8, &c);
  auto d = message(7, 1);
  EXPECT_EQ(shard.deliver_to_room(d), 2u);
  ASSERT_EQ(a.received.size(), 1u);
  ASSERT_EQ(b.received.size(), 1u);
  EXPECT_EQ(a.received[0].get(), b.received[0].get());  // encoded once, shared
  EXPECT_TRUE(c.received.empty());
}

TEST(HubShard, SubscribingTwiceIsOneSubscription) {
  HubShard shard;
  FakeSubscriber a(1);
  shard.subscribe(7, &a);
  shard.subscribe(7, &a);
  EXPECT_EQ(shard.subscriber_count(7), 1u);
  shard.unsubscribe(7, &a);
  EXPECT_EQ(shard.subscriber_count(7), 0u);
}

TEST(HubShard, ExcludesTheOriginatingUser) {
  HubShard shard;
  FakeSubscriber a1(1), a2(1), b(2);
  for (auto* s : {&a1, &a2, &b}) shard.subscribe(7, s);
  Delivery typing = Delivery::typing(7, 1, std::make_shared<const std::string>("t"));
  EXPECT_EQ(shard.deliver_to_room(typing), 1u);
  EXPECT_TRUE(a1.received.empty());
  EXPECT_TRUE(a2.received.empty());
  EXPECT_EQ(b.received.size(), 1u);
}

TEST(HubShard, UnsubscribingDuringAFanoutIsSafe) {
  HubShard shard;
  FakeSubscriber a(1), b(2), c(3);
  for (auto* s : {&a, &b, &c}) shard.subscribe(7, s);
  a.during_delivery = [&] {
    shard.unsubscribe(7, &a);
    shard.unsubscribe(7, &b);
  };
  EXPECT_EQ(shard.deliver_to_room(message(7, 1)), 2u);  // a and c; b was removed before its turn
  EXPECT_TRUE(b.received.empty());
  EXPECT_EQ(shard.subscriber_count(7), 1u);
  shard.deliver_to_room(message(7, 2));
  EXPECT_EQ(c.received.size(), 2u);
}

TEST(HubShard, RoomDeletedDropsEverySubscription) {
  HubShard shard;
  FakeSubscriber a(1);
  shard.subscribe(7, &a);
  shard.deliver_room_deleted(Delivery::room_deleted(7, std::make_shared<const std::string>("x")));
  EXPECT_EQ(a.received.size(), 1u);
  EXPECT_EQ(shard.subscriber_count(7), 0u);
}

TEST(HubShard, TargetsUsersAndRoles) {
  HubShard shard;
  FakeSubscriber a1(1, "admin"), a2(1, "admin"), b(2), c(3);
  for (auto* s : {&a1, &a2, &b, &c}) shard.add_connection(s);
  Delivery n = Delivery::notification(0, std::make_shared<const std::string>("n"));
  EXPECT_EQ(shard.deliver_to_user(1, n), 2u);
  EXPECT_EQ(shard.deliver_to_user(9, n), 0u);
  EXPECT_EQ(shard.deliver_to_role("user", n), 2u);
  EXPECT_EQ(shard.deliver_to_role("admin", n), 2u);
  shard.remove_connection(&a2);
  EXPECT_EQ(shard.deliver_to_user(1, n), 1u);
}

TEST(HubShard, EndsMembershipOnlyForThatUsersConnections) {
  HubShard shard;
  FakeSubscriber a1(1), a2(1), b(2);
  for (auto* s : {&a1, &a2, &b}) shard.subscribe(7, s);
  shard.end_membership(7, 1);
  EXPECT_EQ(a1.ended, std::vector<std::int64_t>{7});
  EXPECT_EQ(a2.ended, std::vector<std::int64_t>{7});
  EXPECT_TRUE(b.ended.empty());
}

TEST(HubShard, RoleChangesReachTheUsersConnections) {
  HubShard shard;
  FakeSubscriber a(1), b(2);
  shard.add_connection(&a);
  shard.add_connection(&b);
  shard.change_role(1, "admin");
  EXPECT_EQ(a.role(), "admin");
  EXPECT_EQ(b.role(), "user");
}

}  // namespace
}  // namespace parley::realtime

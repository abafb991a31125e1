#include "realtime/hub.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

namespace parley::realtime {
namespace {

class RecordingRelay : public RemoteRelay {
 public:
  std::size_t forward(const RemoteEvent& event) override {
    events.push_back(event);
    return remote_connections;
  }
  void forward_batch(const OrderedBatch& batch) override { batches.push_back(batch); }
  std::vector<RemoteEvent> events;
  std::vector<OrderedBatch> batches;
  std::size_t remote_connections = 0;
};

class CountingSubscriber : public Subscriber {
 public:
  explicit CountingSubscriber(std::int64_t user, std::int64_t session = 0)
      : user_(user), session_(session) {}
  std::int64_t user_id() const noexcept override { return user_; }
  const std::string& role() const noexcept override { return role_; }
  bool send_delivery(const Delivery&) override {
    ++delivered;
    return true;
  }
  void on_membership_ended(std::int64_t) override {}
  void on_role_changed(const std::string& role) override { role_ = role; }
  std::int64_t session_id() const noexcept override { return session_; }
  void on_session_ended() override { ++ended; }
  int delivered = 0;
  int ended = 0;

 private:
  std::int64_t user_;
  std::int64_t session_;
  std::string role_ = "user";
};

// Tasks run at once, as if every shard's thread were the caller's.
Hub inline_hub(std::size_t threads) {
  return Hub(threads, [](std::size_t, std::function<void()> task) { task(); });
}

domain::User user(std::int64_t id) {
  domain::User u;
  u.id = id;
  u.role = "user";
  return u;
}

TEST(Hub, FansOutToEveryShardAndOffersEachEventToTheRelay) {
  Hub hub = inline_hub(2);
  RecordingRelay relay;
  relay.remote_connections = 5;
  hub.set_remote_relay(&relay);
  CountingSubscriber a(1), b(2);
  hub.shard(0).subscribe(7, &a);
  hub.shard(1).subscribe(7, &b);
  hub.publish_to_room(Delivery::room_event(7, 1, 0, net::make_text_frame("{}")));
  EXPECT_EQ(a.delivered, 1);
  EXPECT_EQ(b.delivered, 1);
  ASSERT_EQ(relay.events.size(), 1u);
  EXPECT_EQ(relay.events[0].target, RemoteEvent::Target::room);
  EXPECT_EQ(relay.events[0].delivery.room_id, 7);

  hub.presence().connect(user(1));
  hub.shard(0).add_connection(&a);
  EXPECT_EQ(hub.publish_to_users({1, 3}, net::make_text_frame("{}")), 1u + 5u);
  EXPECT_EQ(a.delivered, 2);
  EXPECT_EQ(hub.publish_to_role("admin", net::make_text_frame("{}")), 5u);  // remote only
  EXPECT_EQ(relay.events.back().target, RemoteEvent::Target::role);
  EXPECT_EQ(relay.events.back().role, "admin");
}

TEST(Hub, WithoutARelayCountsLocalConnectionsOnly) {
  Hub hub = inline_hub(1);
  CountingSubscriber a(1);
  hub.presence().connect(user(1));
  hub.shard(0).add_connection(&a);
  EXPECT_EQ(hub.publish_to_users({1}, net::make_text_frame("{}")), 1u);
  EXPECT_EQ(hub.publish_to_users({2}, net::make_text_frame("{}")), 0u);
  EXPECT_EQ(hub.publish_to_role("user", net::make_text_frame("{}")), 1u);
  hub.change_role(1, "admin");
  EXPECT_EQ(a.role(), "admin");
  EXPECT_EQ(hub.publish_to_role("admin", net::make_text_frame("{}")), 1u);
}

TEST(Hub, AppliesRemoteEventsLocallyWithoutRelayingThemAgain) {
  Hub hub = inline_hub(2);
  RecordingRelay relay;
  hub.set_remote_relay(&relay);
  CountingSubscriber a(1), b(2);
  hub.shard(0).subscribe(7, &a);
  hub.shard(1).subscribe(7, &b);
  hub.presence().connect(user(1));
  hub.shard(0).add_connection(&a);

  RemoteEvent room;
  room.delivery = Delivery::room_event(7, 1, 0, net::make_text_frame("{}"));
  hub.apply_remote(room);
  EXPECT_EQ(a.delivered, 1);
  EXPECT_EQ(b.delivered, 1);

  RemoteEvent users;
  users.target = RemoteEvent::Target::users;
  users.user_ids = {1, 9};
  users.delivery = Delivery::notification(0, net::make_text_frame("{}"));
  hub.apply_remote(users);
  EXPECT_EQ(a.delivered, 2);
  EXPECT_EQ(b.delivered, 1);

  RemoteEvent role;
  role.target = RemoteEvent::Target::role_change;
  role.user_ids = {1};
  role.role = "admin";
  hub.apply_remote(role);
  EXPECT_EQ(a.role(), "admin");
  EXPECT_TRUE(relay.events.empty());
}

TEST(Hub, ABatchPostsOneTaskPerThreadInOrder) {
  std::vector<std::pair<std::size_t, std::function<void()>>> posted;
  Hub hub(2, [&](std::size_t i, std::function<void()> task) {
    posted.emplace_back(i, std::move(task));
  });
  std::vector<int> ran;
  hub.begin_batch();
  hub.post(0, [&] { ran.push_back(1); });
  hub.post(1, [&] { ran.push_back(2); });
  hub.post(0, [&] { ran.push_back(3); });
  EXPECT_TRUE(posted.empty());
  hub.end_batch();
  ASSERT_EQ(posted.size(), 2u);
  EXPECT_EQ(posted[0].first, 0u);
  posted[0].second();
  EXPECT_EQ(ran, (std::vector<int>{1, 3}));
  posted[1].second();
  EXPECT_EQ(ran, (std::vector<int>{1, 3, 2}));
  hub.post(1, [] {});  // outside a batch: posted at once
  EXPECT_EQ(posted.size(), 3u);
}

TEST(Hub, EndedSessionsAreRefusedRelayedAndTheirConnectionsTold) {
  Hub hub = inline_hub(2);
  RecordingRelay relay;
  hub.set_remote_relay(&relay);
  CountingSubscriber first(1, 40), second(1, 41), other_session(1, 42), other_user(2, 40);
  hub.shard(0).add_connection(&first);
  hub.shard(1).add_connection(&second);
  hub.shard(1).add_connection(&other_session);
  hub.shard(0).add_connection(&other_user);
  hub.sessions().remember_live(40, 1);
  hub.end_sessions(1, {40, 41});
  EXPECT_EQ(first.ended, 1);
  EXPECT_EQ(second.ended, 1);
  EXPECT_EQ(other_session.ended, 0);
  EXPECT_EQ(other_user.ended, 0);  // the session ids are the user's: no other user is touched
  EXPECT_EQ(hub.sessions().status(40, 1), SessionRegistry::Status::refused);
  EXPECT_EQ(hub.sessions().status(41, 1), SessionRegistry::Status::refused);
  ASSERT_EQ(relay.events.size(), 1u);
  EXPECT_EQ(relay.events[0].target, RemoteEvent::Target::sessions_ended);
  EXPECT_EQ(relay.events[0].user_ids, (std::vector<std::int64_t>{1}));
  EXPECT_EQ(relay.events[0].session_ids, (std::vector<std::int64_t>{40, 41}));
  hub.end_sessions(1, {});  // nothing ended: nothing relayed
  EXPECT_EQ(relay.events.size(), 1u);
}

TEST(Hub, EndedSessionsFromAnotherInstanceAreAppliedNotRelayed) {
  Hub hub = inline_hub(1);
  RecordingRelay relay;
  hub.set_remote_relay(&relay);
  CountingSubscriber conn(3, 7);
  hub.shard(0).add_connection(&conn);
  hub.sessions().remember_live(7, 3);
  RemoteEvent event;
  event.target = RemoteEvent::Target::sessions_ended;
  event.user_ids = {3};
  event.session_ids = {7};
  hub.apply_remote(event);
  EXPECT_EQ(conn.ended, 1);
  EXPECT_EQ(hub.sessions().status(7, 3), SessionRegistry::Status::refused);
  EXPECT_TRUE(relay.events.empty());
}

}  // namespace
}  // namespace parley::realtime

#include "realtime/room_subscriptions.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace parley::realtime {
namespace {

using Offer = RoomSubscriptions::Offer;
using JoinStart = RoomSubscriptions::JoinStart;

net::SharedFrame frame(const std::string& text) {
  return std::make_shared<const std::string>(text);
}

std::vector<std::string> texts(const std::vector<net::SharedFrame>& frames) {
  std::vector<std::string> out;
  for (const auto& f : frames) out.push_back(*f);
  return out;
}

TEST(RoomSubscriptions, LiveEventsGoOutInPositionOrderOnce) {
  RoomSubscriptions subs;
  ASSERT_EQ(subs.begin_join(7, std::nullopt), JoinStart::started);
  subs.complete_join(7, std::nullopt);
  EXPECT_EQ(subs.offer(7, 10, frame("m10"), 8), Offer::send);
  EXPECT_EQ(subs.offer(7, 10, frame("m10"), 8), Offer::skip);  // twice
  EXPECT_EQ(subs.offer(7, 9, frame("m9"), 8), Offer::skip);    // behind
  EXPECT_EQ(subs.offer(7, 12, frame("u12"), 8), Offer::send);  // an update at its rev
  EXPECT_EQ(subs.offer(8, 13, frame("other room"), 8), Offer::skip);
}

TEST(RoomSubscriptions, SinceIsWhatTheClientHas) {
  RoomSubscriptions subs;
  subs.begin_join(7, 20);
  subs.offer(7, 15, frame("old"), 8);
  subs.offer(7, 21, frame("new"), 8);
  EXPECT_EQ(texts(subs.complete_join(7, std::nullopt)), std::vector<std::string>{"new"});
}

TEST(RoomSubscriptions, PendingJoinBuffersAndTheReplyCoversWhatItShowed) {
  RoomSubscriptions subs;
  subs.begin_join(7, 5);
  EXPECT_FALSE(subs.is_live(7));
  EXPECT_EQ(subs.offer(7, 6, frame("m6"), 8), Offer::buffered);
  EXPECT_EQ(subs.offer(7, 8, frame("u8"), 8), Offer::buffered);
  EXPECT_EQ(subs.offer(7, 9, frame("m9"), 8), Offer::buffered);
  // The joined reply's snapshot held everything up to position 8.
  EXPECT_EQ(texts(subs.complete_join(7, 8)), std::vector<std::string>{"m9"});
  EXPECT_TRUE(subs.is_live(7));
  EXPECT_EQ(subs.find(7)->last_position, 9);
  EXPECT_EQ(subs.offer(7, 9, frame("m9"), 8), Offer::skip);
}

TEST(RoomSubscriptions, BufferOverflowIsReported) {
  RoomSubscriptions subs;
  subs.begin_join(7, std::nullopt);
  EXPECT_EQ(subs.offer(7, 1, frame("a"), 2), Offer::buffered);
  EXPECT_EQ(subs.offer(7, 2, frame("b"), 2), Offer::buffered);
  EXPECT_EQ(subs.offer(7, 3, frame("c"), 2), Offer::overflow);
}

TEST(RoomSubscriptions, RepeatedJoinNeverResendsWhatWasSent) {
  RoomSubscriptions subs;
  subs.begin_join(7, std::nullopt);
  subs.complete_join(7, std::nullopt);
  subs.offer(7, 10, frame("m10"), 8);
  EXPECT_EQ(subs.begin_join(7, 3), JoinStart::restarted);
  EXPECT_EQ(subs.begin_join(7, 3), JoinStart::in_progress);
  subs.offer(7, 11, frame("m11"), 8);
  // The reply showed up to 9 only: the client already had 10 from the live stream.
  EXPECT_EQ(texts(subs.complete_join(7, 9)), std::vector<std::string>{"m11"});
  EXPECT_EQ(subs.find(7)->last_position, 11);
}

TEST(RoomSubscriptions, RemoveReturnsTheSubscription) {
  RoomSubscriptions subs;
  subs.begin_join(7, std::nullopt);
  subs.find(7)->announced = true;
  auto removed = subs.remove(7);
  ASSERT_TRUE(removed);
  EXPECT_TRUE(removed->announced);
  EXPECT_FALSE(subs.remove(7));
  EXPECT_TRUE(subs.empty());
  EXPECT_EQ(subs.offer(7, 1, frame("x"), 8), Offer::skip);
  EXPECT_TRUE(subs.complete_join(7, 1).empty());
}

}  // namespace
}  // namespace parley::realtime

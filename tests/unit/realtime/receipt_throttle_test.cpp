#include "realtime/receipt_throttle.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

namespace parley::realtime {
namespace {

using Sent = std::tuple<std::int64_t, std::int64_t, std::string, std::int64_t>;

// A throttle on a clock the test moves, whose timers the test fires.
class ReceiptThrottleTest : public ::testing::Test {
 protected:
  ReceiptThrottleTest()
      : throttle_(
            [this](std::int64_t room, std::int64_t user, const std::string& name,
                   std::int64_t last_read) { sent_.emplace_back(room, user, name, last_read); },
            [this](std::chrono::milliseconds delay, std::function<void()> task) {
              timers_.push_back({now_ + delay.count(), std::move(task)});
            },
            [this] { return now_; }) {}

  // Moves the clock to `ms` and fires the timers due by then, in order.
  void advance_to(std::int64_t ms) {
    now_ = ms;
    std::vector<Timer> due, later;
    for (auto& t : timers_) (t.at <= now_ ? due : later).push_back(std::move(t));
    timers_ = std::move(later);
    for (auto& t : due) t.task();
  }

  struct Timer {
    std::int64_t at;
    std::function<void()> task;
  };
  std::int64_t now_ = 10'000;
  std::vector<Sent> sent_;
  std::vector<Timer> timers_;
  ReceiptThrottle throttle_;
};

TEST_F(ReceiptThrottleTest, TheFirstReceiptLeavesAtOnce) {
  throttle_.moved(7, 1, "alice", 100);
  EXPECT_EQ(sent_, (std::vector<Sent>{{7, 1, "alice", 100}}));
  EXPECT_TRUE(timers_.empty());
  EXPECT_EQ(throttle_.tracked(), 1u);
}

TEST_F(ReceiptThrottleTest, MovesWithinTheWindowCoalesceIntoOneAtItsEnd) {
  throttle_.moved(7, 1, "alice", 100);
  advance_to(10'100);
  throttle_.moved(7, 1, "alice", 105);
  ASSERT_EQ(timers_.size(), 1u);
  EXPECT_EQ(timers_[0].at, 11'000);  // the end of the window opened by the first receipt
  advance_to(10'500);
  throttle_.moved(7, 1, "alice", 110);
  throttle_.moved(7, 1, "alice", 108);  // never backwards
  EXPECT_EQ(timers_.size(), 1u);        // one timer for the whole window
  EXPECT_EQ(sent_.size(), 1u);

  advance_to(11'000);
  EXPECT_EQ(sent_, (std::vector<Sent>{{7, 1, "alice", 100}, {7, 1, "alice", 110}}));
  // The held receipt opened a new window.
  advance_to(11'500);
  throttle_.moved(7, 1, "alice", 120);
  EXPECT_EQ(sent_.size(), 2u);
  ASSERT_EQ(timers_.size(), 1u);
  EXPECT_EQ(timers_[0].at, 12'000);
  advance_to(12'000);
  EXPECT_EQ(std::get<3>(sent_.back()), 120);
}

TEST_F(ReceiptThrottleTest, AfterAQuietWindowTheNextLeavesAtOnce) {
  throttle_.moved(7, 1, "alice", 100);
  advance_to(11'000);  // exactly one interval later
  throttle_.moved(7, 1, "alice", 101);
  EXPECT_EQ(sent_.size(), 2u);
  EXPECT_TRUE(timers_.empty());
  advance_to(20'000);
  throttle_.moved(7, 1, "alice", 102);
  EXPECT_EQ(sent_.size(), 3u);
}

TEST_F(ReceiptThrottleTest, MembersAndRoomsAreThrottledIndependently) {
  throttle_.moved(7, 1, "alice", 100);
  throttle_.moved(7, 2, "bob", 100);    // another member of the room
  throttle_.moved(8, 1, "alice", 300);  // the same member in another room
  EXPECT_EQ(sent_,
            (std::vector<Sent>{{7, 1, "alice", 100}, {7, 2, "bob", 100}, {8, 1, "alice", 300}}));
  advance_to(10'200);
  throttle_.moved(7, 1, "alice", 101);  // held
  throttle_.moved(7, 2, "bob", 102);    // held too, on its own timer
  EXPECT_EQ(timers_.size(), 2u);
  advance_to(11'000);
  ASSERT_EQ(sent_.size(), 5u);
  EXPECT_EQ(sent_[3], (Sent{7, 1, "alice", 101}));
  EXPECT_EQ(sent_[4], (Sent{7, 2, "bob", 102}));
  EXPECT_EQ(throttle_.tracked(), 3u);
}

}  // namespace
}  // namespace parley::realtime

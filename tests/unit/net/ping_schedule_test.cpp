#include "net/ping_schedule.hpp"

#include <gtest/gtest.h>

#include <set>

namespace parley::net {
namespace {

using namespace std::chrono_literals;

TEST(PingSchedule, FirstPingWithinTheLastQuarterOfTheInterval) {
  for (int i = 0; i < 10'000; ++i) {
    const auto d = first_ping_delay(30'000ms);
    ASSERT_GT(d, 22'500ms);
    ASSERT_LE(d, 30'000ms);
  }
}

TEST(PingSchedule, ConnectionsOpenedTogetherArePingedApart) {
  std::set<std::chrono::milliseconds> seen;
  for (int i = 0; i < 1'000; ++i) seen.insert(first_ping_delay(30'000ms));
  // 1,000 draws over 7,500 possible milliseconds: a fixed schedule would give one value.
  EXPECT_GT(seen.size(), 800u);
  EXPECT_GT(*seen.rbegin() - *seen.begin(), 6'000ms);
}

TEST(PingSchedule, TinyIntervalsAreKeptAsTheyAre) {
  EXPECT_EQ(first_ping_delay(3ms), 3ms);
  EXPECT_EQ(first_ping_delay(0ms), 0ms);
}

}  // namespace
}  // namespace parley::net

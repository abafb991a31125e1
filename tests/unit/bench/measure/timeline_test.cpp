#include "measure/timeline.hpp"

#include <gtest/gtest.h>

namespace parley::bench {
namespace {

constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t s = 1'000'000'000;

TEST(Timeline, CountsEachSecondOfSendingAndWhatWasSlowerThanTheBound) {
  Timeline t;
  t.record(0, 10 * ms, 50 * ms);
  t.record(s - 1, 60 * ms, 50 * ms);
  t.record(2 * s + 5, 50 * ms, 50 * ms);  // at the bound is not over it
  ASSERT_EQ(t.seconds().size(), 3u);
  EXPECT_EQ(t.seconds()[0].delivered, 2u);
  EXPECT_EQ(t.seconds()[0].over_bound, 1u);
  EXPECT_EQ(t.seconds()[0].max_ns, 60 * ms);
  EXPECT_EQ(t.seconds()[1].delivered, 0u);
  EXPECT_EQ(t.seconds()[2].delivered, 1u);
  EXPECT_EQ(t.seconds()[2].over_bound, 0u);
}

TEST(Timeline, AClockStepBeforeThePhaseCountsInTheFirstSecond) {
  Timeline t;
  t.record(-5 * ms, 1 * ms, 50 * ms);
  ASSERT_EQ(t.seconds().size(), 1u);
  EXPECT_EQ(t.seconds()[0].delivered, 1u);
}

TEST(Timeline, MergeSumsCountsAndKeepsTheSlowest) {
  Timeline a, b;
  a.record(0, 70 * ms, 50 * ms);
  b.record(0, 90 * ms, 50 * ms);
  b.record(3 * s, 1 * ms, 50 * ms);
  a.merge(b);
  ASSERT_EQ(a.seconds().size(), 4u);
  EXPECT_EQ(a.seconds()[0].delivered, 2u);
  EXPECT_EQ(a.seconds()[0].over_bound, 2u);
  EXPECT_EQ(a.seconds()[0].max_ns, 90 * ms);
  EXPECT_EQ(a.seconds()[3].delivered, 1u);
}

TEST(Timeline, SurvivesTheTripThroughJsonBetweenProcesses) {
  Timeline t;
  t.record(0, 70 * ms, 50 * ms);
  t.record(2 * s, 3 * ms, 50 * ms);
  const Timeline back = Timeline::from_json(t.to_json());
  ASSERT_EQ(back.seconds().size(), 3u);
  EXPECT_EQ(back.seconds()[0].over_bound, 1u);
  EXPECT_EQ(back.seconds()[0].max_ns, 70 * ms);
  EXPECT_EQ(back.seconds()[2].delivered, 1u);
}

}  // namespace
}  // namespace parley::bench

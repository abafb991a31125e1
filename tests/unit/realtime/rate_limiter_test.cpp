#include "realtime/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace parley::realtime {
namespace {

using Verdict = RateLimiter::Verdict;

TEST(RateLimiter, AllowsTheBurstThenRefuses) {
  RateLimits limits{20, 40, 100, 10'000};
  RateLimiter limiter(limits);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(limiter.on_send(1000), Verdict::allowed) << i;
  EXPECT_EQ(limiter.on_send(1000), Verdict::refused);
}

TEST(RateLimiter, RefillsAtTheRate) {
  RateLimits limits{20, 40, 100, 10'000};
  RateLimiter limiter(limits);
  for (int i = 0; i < 40; ++i) limiter.on_send(0);
  EXPECT_EQ(limiter.on_send(0), Verdict::refused);
  EXPECT_EQ(limiter.on_send(50), Verdict::allowed);  // 50 ms at 20/s = one token
  EXPECT_EQ(limiter.on_send(50), Verdict::refused);
  // A steady 20/s never runs dry.
  for (int t = 100; t < 5000; t += 50) EXPECT_EQ(limiter.on_send(t), Verdict::allowed) << t;
}

TEST(RateLimiter, SustainedAbuseIsReportedAfterTheCount) {
  RateLimits limits{1, 1, 5, 10'000};
  RateLimiter limiter(limits);
  EXPECT_EQ(limiter.on_send(0), Verdict::allowed);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limiter.on_send(1), Verdict::refused) << i;
  EXPECT_EQ(limiter.on_send(2), Verdict::abusive);
}

TEST(RateLimiter, SlowRefusalsAreNotAbuse) {
  RateLimits limits{0.001, 1, 3, 1'000};
  RateLimiter limiter(limits);
  limiter.on_send(0);
  for (int i = 1; i < 20; ++i) EXPECT_EQ(limiter.on_send(i * 600), Verdict::refused) << i;
}

}  // namespace
}  // namespace parley::realtime

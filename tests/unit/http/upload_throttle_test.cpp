#include "http/upload_throttle.hpp"

#include <gtest/gtest.h>

namespace parley::http {

TEST(UploadThrottle, BurstThenOnePerSecond) {
  UploadThrottle throttle({1, 3});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(throttle.take(7, 1000), 0) << i;
  EXPECT_EQ(throttle.take(7, 1000), 1);
  EXPECT_EQ(throttle.take(8, 1000), 0) << "another user has a bucket of their own";
  EXPECT_EQ(throttle.take(7, 1500), 1);
  EXPECT_EQ(throttle.take(7, 2000), 0);
  EXPECT_EQ(throttle.take(7, 2000), 1);
  EXPECT_EQ(throttle.take(7, 10'000), 0);
}

TEST(UploadThrottle, RetryAfterCountsWholeSeconds) {
  UploadThrottle throttle({0.25, 1});
  EXPECT_EQ(throttle.take(1, 0), 0);
  EXPECT_EQ(throttle.take(1, 0), 4);
}

}  // namespace parley::http

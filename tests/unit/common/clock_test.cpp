#include "common/clock.hpp"

#include <gtest/gtest.h>

namespace parley {

TEST(Clock, FormatsRfc3339WithMilliseconds) {
  EXPECT_EQ(format_rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(1795402741123), "2026-11-23T02:59:01.123Z");
}

TEST(Clock, NowIsAfter2024) {
  EXPECT_GT(now_ms(), 1'700'000'000'000);
}

}  // namespace parley

#include "http/report_throttle.hpp"

#include <gtest/gtest.h>

namespace parley::http {
namespace {

TEST(ReportThrottle, AdmitsUpToTheLimitPerAddressPerWindow) {
  ReportThrottle t({3, 60'000, 100});
  const std::int64_t now = 600'000;  // a window start
  for (int i = 0; i < 3; ++i) EXPECT_EQ(t.admit("10.0.0.1", now + i), 0);
  EXPECT_EQ(t.admit("10.0.0.1", now + 10'000), 50);  // seconds to the next window
  EXPECT_EQ(t.admit("10.0.0.2", now + 10'000), 0);   // another address has its own count
  EXPECT_EQ(t.admit("10.0.0.1", now + 60'000), 0);   // the next window
}

TEST(ReportThrottle, TheTableOfAddressesIsBounded) {
  ReportThrottle t({5, 60'000, 2});
  EXPECT_EQ(t.admit("a", 0), 0);
  EXPECT_EQ(t.admit("b", 0), 0);
  EXPECT_GT(t.admit("c", 0), 0);  // a third address waits for the window to turn
  EXPECT_EQ(t.admit("a", 1), 0);  // known ones go on
  EXPECT_EQ(t.admit("c", 60'000), 0);
}

}  // namespace
}  // namespace parley::http

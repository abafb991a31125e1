#include "http/login_throttle.hpp"

#include <gtest/gtest.h>

namespace parley::http {
namespace {

TEST(LoginThrottle, LimitsFailuresPerUsernameWithinTheWindow) {
  LoginThrottle t({3, 100, 60'000});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(t.retry_after("alice", "10.0.0.1", 1000), 0);
    t.record_failure("alice", "10.0.0.1", 1000);
  }
  int wait = t.retry_after("alice", "10.0.0.2", 2000);
  EXPECT_GT(wait, 0);
  EXPECT_LE(wait, 60);
  EXPECT_EQ(t.retry_after("bob", "10.0.0.1", 2000), 0);
  EXPECT_EQ(t.retry_after("alice", "10.0.0.1", 61'001), 0);  // window passed
}

TEST(LoginThrottle, LimitsFailuresPerAddress) {
  LoginThrottle t({100, 2, 60'000});
  t.record_failure("a", "10.0.0.9", 0);
  t.record_failure("b", "10.0.0.9", 0);
  EXPECT_GT(t.retry_after("c", "10.0.0.9", 10), 0);
  EXPECT_EQ(t.retry_after("c", "10.0.0.8", 10), 0);
}

TEST(LoginThrottle, SuccessClearsTheUsername) {
  LoginThrottle t({2, 100, 60'000});
  t.record_failure("alice", "x", 0);
  t.record_failure("alice", "x", 0);
  EXPECT_GT(t.retry_after("alice", "x", 1), 0);
  t.record_success("alice");
  EXPECT_EQ(t.retry_after("alice", "x", 1), 0);
}

}  // namespace
}  // namespace parley::http

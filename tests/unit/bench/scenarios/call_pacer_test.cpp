#include "scenarios/call_pacer.hpp"

#include <gtest/gtest.h>

#include "measure/clock.hpp"

namespace parley::bench {
namespace {

int calls_within(double rate, std::int64_t window_ns) {
  const std::int64_t start = now_ns();
  CallPacer pacer(rate, start, start + window_ns);
  int calls = 0;
  while (pacer.wait_turn()) ++calls;
  return calls;
}

TEST(CallPacer, NoCallOnceThePhaseHasEnded) {
  const std::int64_t now = now_ns();
  CallPacer pacer(0, now - 2'000'000, now - 1'000'000);
  EXPECT_FALSE(pacer.wait_turn());
}

TEST(CallPacer, NeverAheadOfTheRate) {
  // Calls are due at 0, 10, 20 ... 90 ms of a 100 ms phase: ten at most, however fast the loop.
  const int calls = calls_within(100, 100'000'000);
  EXPECT_LE(calls, 10);
  EXPECT_GE(calls, 1);
}

TEST(CallPacer, ReturnsAtTheEndOfThePhase) {
  const std::int64_t start = now_ns();
  CallPacer pacer(1, start, start + 30'000'000);
  EXPECT_TRUE(pacer.wait_turn());   // due at once
  EXPECT_FALSE(pacer.wait_turn());  // the next is due after the end: it waits for the end only
  EXPECT_GE(now_ns() - start, 30'000'000);
  EXPECT_LT(now_ns() - start, 900'000'000);
}

TEST(CallPacer, UnpacedWithoutARate) {
  EXPECT_GT(calls_within(0, 50'000'000), 100);
}

}  // namespace
}  // namespace parley::bench

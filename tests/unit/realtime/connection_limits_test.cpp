#include "realtime/connection_limits.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace parley::realtime {
namespace {

using Refusal = ConnectionLimits::Refusal;

TEST(ConnectionLimits, RefusesBeyondTheTotalAndGivesPlacesBack) {
  ConnectionLimits limits({2, 0, 0});
  Refusal r;
  auto a = limits.acquire("10.0.0.1", 0, r);
  EXPECT_EQ(r, Refusal::none);
  auto b = limits.acquire("10.0.0.2", 0, r);
  EXPECT_EQ(r, Refusal::none);
  auto c = limits.acquire("10.0.0.3", 0, r);
  EXPECT_EQ(r, Refusal::total);
  EXPECT_EQ(limits.open(), 2u);
  a.release();
  EXPECT_EQ(limits.open(), 1u);
  auto d = limits.acquire("10.0.0.3", 0, r);
  EXPECT_EQ(r, Refusal::none);
}

TEST(ConnectionLimits, PerAddressCapLeavesOtherAddressesAlone) {
  ConnectionLimits limits({0, 2, 0});
  Refusal r;
  std::vector<ConnectionSlot> held;
  held.push_back(limits.acquire("a", 0, r));
  held.push_back(limits.acquire("a", 0, r));
  auto third = limits.acquire("a", 0, r);
  EXPECT_EQ(r, Refusal::address);
  auto other = limits.acquire("b", 0, r);
  EXPECT_EQ(r, Refusal::none);
  held.pop_back();  // destroyed: released
  auto again = limits.acquire("a", 0, r);
  EXPECT_EQ(r, Refusal::none);
}

TEST(ConnectionLimits, PerUserCapAtTheUpgradeAndWhenTheUserIsKnownLater) {
  ConnectionLimits limits({0, 0, 1});
  Refusal r;
  auto first = limits.acquire("a", 7, r);
  EXPECT_EQ(r, Refusal::none);
  auto second = limits.acquire("b", 7, r);
  EXPECT_EQ(r, Refusal::user);
  auto anonymous = limits.acquire("b", 0, r);
  EXPECT_EQ(r, Refusal::none);
  EXPECT_FALSE(anonymous.add_user(7));
  EXPECT_TRUE(anonymous.add_user(8));
  first.release();
  auto third = limits.acquire("c", 7, r);
  EXPECT_EQ(r, Refusal::none);
}

TEST(ConnectionLimits, AMovedSlotIsReleasedOnce) {
  ConnectionLimits limits({1, 0, 0});
  Refusal r;
  auto a = limits.acquire("a", 0, r);
  ConnectionSlot b = std::move(a);
  a.release();  // moved from: nothing to give back
  EXPECT_EQ(limits.open(), 1u);
  ConnectionSlot c;
  c = std::move(b);
  EXPECT_EQ(limits.open(), 1u);
  c.release();
  EXPECT_EQ(limits.open(), 0u);
}

TEST(ConnectionLimits, ADefaultSlotAcceptsAnyUser) {
  ConnectionSlot slot;
  EXPECT_TRUE(slot.add_user(1));
}

}  // namespace
}  // namespace parley::realtime

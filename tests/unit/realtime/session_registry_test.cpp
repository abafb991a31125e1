#include "realtime/session_registry.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace parley::realtime {
namespace {

using Status = SessionRegistry::Status;
constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr std::int64_t kRetention = 960'000;

TEST(SessionRegistry, KnowsNothingAtFirst) {
  SessionRegistry sessions(kRetention);
  EXPECT_EQ(sessions.status(1, 10), Status::unknown);
}

TEST(SessionRegistry, ALiveSessionBelongsToItsUserOnly) {
  SessionRegistry sessions(kRetention);
  sessions.remember_live(1, 10);
  EXPECT_EQ(sessions.status(1, 10), Status::live);
  EXPECT_EQ(sessions.status(1, 11), Status::refused);  // a token naming another user's session
  EXPECT_EQ(sessions.status(2, 10), Status::unknown);
}

TEST(SessionRegistry, AnEndedSessionIsRefusedWhateverTheUser) {
  SessionRegistry sessions(kRetention);
  sessions.remember_live(1, 10);
  sessions.remember_live(2, 10);
  const std::vector<std::int64_t> ended{1, 3};
  sessions.mark_ended(ended, kNow, kNow);
  EXPECT_EQ(sessions.status(1, 10), Status::refused);
  EXPECT_EQ(sessions.status(3, 10), Status::refused);  // ended before it was ever seen here
  EXPECT_EQ(sessions.status(2, 10), Status::live);
  // A late confirmation (a store read that raced the end) does not bring it back.
  sessions.remember_live(1, 10);
  EXPECT_EQ(sessions.status(1, 10), Status::refused);
}

TEST(SessionRegistry, ForgetsEndsOlderThanTheRetention) {
  SessionRegistry sessions(kRetention);
  const std::vector<std::int64_t> first{1};
  const std::vector<std::int64_t> second{2};
  sessions.mark_ended(first, kNow, kNow);
  sessions.mark_ended(second, kNow + 1000, kNow + 1000);
  EXPECT_EQ(sessions.ended_count(), 2u);
  // Pruned as later ends come in: the first one's tokens have all expired by now.
  const std::vector<std::int64_t> third{3};
  sessions.mark_ended(third, kNow + kRetention, kNow + kRetention);
  EXPECT_EQ(sessions.status(1, 10), Status::unknown);  // the store answers for it again
  EXPECT_EQ(sessions.status(2, 10), Status::refused);
  EXPECT_EQ(sessions.ended_count(), 2u);
}

TEST(SessionRegistry, EndsFromLongAgoAreNotKept) {
  // What a starting server loads may reach back further than tokens live.
  SessionRegistry sessions(kRetention);
  sessions.remember_live(1, 10);
  const std::vector<std::int64_t> old{1};
  sessions.mark_ended(old, kNow - kRetention - 1, kNow);
  EXPECT_EQ(sessions.ended_count(), 0u);
  EXPECT_EQ(sessions.status(1, 10), Status::unknown);  // but no longer live either
}

TEST(SessionRegistry, TheLiveMapIsBounded) {
  SessionRegistry sessions(kRetention, 3);
  for (std::int64_t id = 1; id <= 3; ++id) sessions.remember_live(id, 10);
  EXPECT_EQ(sessions.live_count(), 3u);
  sessions.remember_live(4, 10);
  EXPECT_LE(sessions.live_count(), 3u);
  EXPECT_EQ(sessions.status(4, 10), Status::live);
}

TEST(SessionRegistry, ChecksRunWhileEndsArrive) {
  SessionRegistry sessions(kRetention);
  for (std::int64_t id = 1; id <= 1000; ++id) sessions.remember_live(id, id);
  std::thread ender([&] {
    for (std::int64_t id = 1; id <= 1000; id += 2) {
      const std::vector<std::int64_t> one{id};
      sessions.mark_ended(one, kNow, kNow);
    }
  });
  std::thread checker([&] {
    for (int round = 0; round < 20; ++round)
      for (std::int64_t id = 2; id <= 1000; id += 2)
        EXPECT_EQ(sessions.status(id, id), Status::live);
  });
  ender.join();
  checker.join();
  for (std::int64_t id = 1; id <= 1000; id += 2)
    EXPECT_EQ(sessions.status(id, id), Status::refused);
}

}  // namespace
}  // namespace parley::realtime

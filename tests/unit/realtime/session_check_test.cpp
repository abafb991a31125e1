#include "realtime/session_check.hpp"

#include <gtest/gtest.h>

#include "../store/temp_dir.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::realtime {
namespace {

using store::test::TempDir;
constexpr std::int64_t kNow = 1'700'000'000'000;

class SessionCheck : public ::testing::Test {
 protected:
  SessionCheck() : store_(dir_.file("parley.db"), store::Durability::normal) {
    alice_ = store_.create_user("alice", "h", kNow)->id;
    bob_ = store_.create_user("bob", "h", kNow)->id;
  }
  std::int64_t start(std::int64_t user, const std::string& token) {
    return store_.create_session({user, token, "f-" + token, "ua", "ip", kNow + 100'000}, kNow);
  }

  TempDir dir_;
  store::SqliteStore store_;
  SessionRegistry sessions_;
  std::int64_t alice_ = 0;
  std::int64_t bob_ = 0;
};

TEST_F(SessionCheck, AStoreAnswerIsRemembered) {
  std::int64_t id = start(alice_, "t1");
  EXPECT_EQ(sessions_.status(id, alice_), SessionRegistry::Status::unknown);
  EXPECT_TRUE(session_is_live(store_, sessions_, id, alice_, kNow));
  EXPECT_EQ(sessions_.status(id, alice_), SessionRegistry::Status::live);
  // From now on the registry answers alone: even a store change it was not told of is not seen
  // (ends always go through Hub::end_sessions, which tells it).
  store_.end_session(alice_, id, kNow);
  EXPECT_TRUE(session_is_live(store_, sessions_, id, alice_, kNow));
}

TEST_F(SessionCheck, AnEndedSessionIsRememberedAsEnded) {
  std::int64_t id = start(alice_, "t1");
  ASSERT_TRUE(store_.end_session(alice_, id, kNow));
  EXPECT_FALSE(session_is_live(store_, sessions_, id, alice_, kNow + 1));
  EXPECT_EQ(sessions_.status(id, alice_), SessionRegistry::Status::refused);
}

TEST_F(SessionCheck, NoSuchSessionOrAnotherUsersIsNotLive) {
  std::int64_t id = start(alice_, "t1");
  EXPECT_FALSE(session_is_live(store_, sessions_, id + 1000, alice_, kNow));
  EXPECT_FALSE(session_is_live(store_, sessions_, id, bob_, kNow));
  EXPECT_EQ(sessions_.status(id, bob_), SessionRegistry::Status::unknown);  // nothing remembered
  EXPECT_TRUE(session_is_live(store_, sessions_, id, alice_, kNow));
  EXPECT_FALSE(session_is_live(store_, sessions_, id, bob_, kNow));  // now from the registry
}

}  // namespace
}  // namespace parley::realtime

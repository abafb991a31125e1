// Conformance tests of account security (v1.1): sessions, passwords, deactivation, two-factor.
// Instantiated for every backend with the rest of the suite (see store_conformance.hpp).
#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "store_conformance.hpp"

namespace parley::store::test {

namespace {

NewSession new_session(const User& user, const std::string& token, const std::string& family,
                       std::int64_t expires_at_ms) {
  return {user.id, token, family, "agent/" + family, "192.0.2.1", expires_at_ms};
}

// "user3": written out to dodge GCC 12's false -Wrestrict on `"user" + std::to_string(i)`.
std::string label_for(int i) {
  std::string out("user");
  out += std::to_string(i);
  return out;
}

std::vector<std::int64_t> session_ids(const std::vector<Session>& sessions) {
  std::vector<std::int64_t> ids;
  for (const auto& s : sessions) ids.push_back(s.id);
  return ids;
}

}  // namespace

// --- sessions ---

TEST_P(StoreConformance, SessionsStartWithTheirFirstRefreshToken) {
  User alice = make_user("alice");
  std::int64_t a = store().create_session(new_session(alice, "ta", "fa", kNow + 1000), kNow);
  std::int64_t b = store().create_session(new_session(alice, "tb", "fb", kNow + 1000), kNow + 5);
  ASSERT_GT(a, 0);
  EXPECT_GT(b, a);
  auto found = store().find_session(a);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user_id, alice.id);
  EXPECT_EQ(found->created_at_ms, kNow);
  EXPECT_EQ(found->last_used_at_ms, kNow);
  EXPECT_EQ(found->user_agent, "agent/fa");
  EXPECT_EQ(found->ip, "192.0.2.1");
  EXPECT_EQ(found->ended_at_ms, 0);
  EXPECT_EQ(session_ids(store().live_sessions(alice.id, kNow)), (std::vector{a, b}));
  EXPECT_FALSE(store().find_session(b + 1000));
  // The token is the session's: rotating it continues the session and marks it used.
  auto rotated = store().rotate_refresh_token("ta", "ta2", kNow + 100, kNow + 5000);
  EXPECT_EQ(rotated.status, RotateStatus::rotated);
  EXPECT_EQ(rotated.session_id, a);
  EXPECT_EQ(store().find_session(a)->last_used_at_ms, kNow + 100);
  EXPECT_EQ(store().find_session(a)->created_at_ms, kNow);
  EXPECT_EQ(store().rotate_refresh_token("ta2", "ta3", kNow + 200, kNow + 5000).session_id, a);
}

TEST_P(StoreConformance, NoSessionForAnUnknownOrDeactivatedUser) {
  User alice = make_user("alice");
  User ghost{alice.id + 1000, "ghost", "user", kNow};
  EXPECT_EQ(store().create_session(new_session(ghost, "tg", "fg", kNow + 1000), kNow), 0);
  ASSERT_TRUE(store().set_deactivated(alice.id, true));
  EXPECT_EQ(store().create_session(new_session(alice, "ta", "fa", kNow + 1000), kNow), 0);
  // Nothing was stored: the token does not rotate.
  EXPECT_EQ(store().rotate_refresh_token("ta", "ta2", kNow, kNow + 1000).status,
            RotateStatus::unknown);
  ASSERT_TRUE(store().set_deactivated(alice.id, false));
  EXPECT_GT(store().create_session(new_session(alice, "ta", "fa", kNow + 1000), kNow), 0);
}

TEST_P(StoreConformance, LiveSessionsLeaveOutEndedAndExpiredOnes) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  std::int64_t a = store().create_session(new_session(alice, "ta", "fa", kNow + 1000), kNow);
  std::int64_t b = store().create_session(new_session(alice, "tb", "fb", kNow + 10), kNow);
  std::int64_t c = store().create_session(new_session(alice, "tc", "fc", kNow + 1000), kNow);
  std::int64_t d = store().create_session(new_session(bob, "td", "fd", kNow + 1000), kNow);
  EXPECT_EQ(session_ids(store().live_sessions(alice.id, kNow + 5)), (std::vector{a, b, c}));
  EXPECT_EQ(session_ids(store().live_sessions(alice.id, kNow + 10)), (std::vector{a, c}));
  ASSERT_TRUE(store().end_session(alice.id, c, kNow + 20));
  EXPECT_EQ(session_ids(store().live_sessions(alice.id, kNow + 20)), (std::vector{a}));
  EXPECT_EQ(session_ids(store().live_sessions(bob.id, kNow)), (std::vector{d}));
}

TEST_P(StoreConformance, EndingASessionRevokesItsTokens) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  std::int64_t a = store().create_session(new_session(alice, "ta", "fa", kNow + 1000), kNow);
  std::int64_t b = store().create_session(new_session(alice, "tb", "fb", kNow + 1000), kNow);
  ASSERT_EQ(store().rotate_refresh_token("ta", "ta2", kNow, kNow + 1000).status,
            RotateStatus::rotated);
  // Only the owner ends it, and only once.
  EXPECT_FALSE(store().end_session(bob.id, a, kNow + 1));
  EXPECT_EQ(store().find_session(a)->ended_at_ms, 0);
  EXPECT_TRUE(store().end_session(alice.id, a, kNow + 2));
  EXPECT_FALSE(store().end_session(alice.id, a, kNow + 3));
  EXPECT_EQ(store().find_session(a)->ended_at_ms, kNow + 2);
  EXPECT_FALSE(store().end_session(alice.id, a + b + 1000, kNow));
  // Every token of its family is dead, the used one and the live one.
  EXPECT_EQ(store().rotate_refresh_token("ta2", "ta3", kNow + 4, kNow + 1000).status,
            RotateStatus::unknown);
  EXPECT_EQ(store().rotate_refresh_token("ta", "ta4", kNow + 4, kNow + 1000).status,
            RotateStatus::unknown);
  // The other session goes on.
  EXPECT_EQ(store().rotate_refresh_token("tb", "tb2", kNow + 4, kNow + 1000).status,
            RotateStatus::rotated);
}

TEST_P(StoreConformance, EndSessionsKeepsOneOrNone) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  std::int64_t a = store().create_session(new_session(alice, "ta", "fa", kNow + 1000), kNow);
  std::int64_t b = store().create_session(new_session(alice, "tb", "fb", kNow + 1000), kNow);
  std::int64_t c = store().create_session(new_session(alice, "tc", "fc", kNow + 1000), kNow);
  std::int64_t d = store().create_session(new_session(bob, "td", "fd", kNow + 1000), kNow);
  ASSERT_TRUE(store().end_session(alice.id, c, kNow));
  auto ended = store().end_sessions(alice.id, a, kNow + 1);
  EXPECT_EQ(ended, (std::vector{b}));  // not c again, not the kept one, not bob's
  EXPECT_EQ(session_ids(store().live_sessions(alice.id, kNow + 1)), (std::vector{a}));
  EXPECT_EQ(store().rotate_refresh_token("tb", "tb2", kNow + 2, kNow + 1000).status,
            RotateStatus::unknown);
  ended = store().end_sessions(alice.id, 0, kNow + 3);
  EXPECT_EQ(ended, (std::vector{a}));
  EXPECT_TRUE(store().live_sessions(alice.id, kNow + 3).empty());
  EXPECT_TRUE(store().end_sessions(alice.id, 0, kNow + 4).empty());
  EXPECT_EQ(session_ids(store().live_sessions(bob.id, kNow)), (std::vector{d}));
}

TEST_P(StoreConformance, LogoutEndsTheSessionOfTheToken) {
  User alice = make_user("alice");
  std::int64_t a = store().create_session(new_session(alice, "ta", "fa", kNow + 1000), kNow);
  std::int64_t b = store().create_session(new_session(alice, "tb", "fb", kNow + 1000), kNow);
  ASSERT_EQ(store().rotate_refresh_token("ta", "ta2", kNow, kNow + 1000).status,
            RotateStatus::rotated);
  // An old (used) token of the family ends it as well as the live one would.
  auto ended = store().revoke_refresh_token("ta", kNow + 7);
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->id, a);
  EXPECT_EQ(ended->user_id, alice.id);
  EXPECT_EQ(store().find_session(a)->ended_at_ms, kNow + 7);
  EXPECT_EQ(store().rotate_refresh_token("ta2", "ta3", kNow, kNow + 1000).status,
            RotateStatus::unknown);
  EXPECT_EQ(store().find_session(b)->ended_at_ms, 0);
}

TEST_P(StoreConformance, AReusedTokenEndsItsSession) {
  User alice = make_user("alice");
  std::int64_t a = store().create_session(new_session(alice, "ta", "fa", kNow + 1000), kNow);
  ASSERT_EQ(store().rotate_refresh_token("ta", "ta2", kNow, kNow + 1000).status,
            RotateStatus::rotated);
  auto reused = store().rotate_refresh_token("ta", "ta3", kNow + 9, kNow + 1000);
  EXPECT_EQ(reused.status, RotateStatus::reused);
  EXPECT_EQ(reused.session_id, a);
  EXPECT_EQ(store().find_session(a)->ended_at_ms, kNow + 9);
  EXPECT_TRUE(store().live_sessions(alice.id, kNow + 9).empty());
}

TEST_P(StoreConformance, ListsSessionsEndedSince) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  std::int64_t a = store().create_session(new_session(alice, "ta", "fa", kNow + 1000), kNow);
  std::int64_t b = store().create_session(new_session(bob, "tb", "fb", kNow + 1000), kNow);
  store().create_session(new_session(bob, "tc", "fc", kNow + 1000), kNow);
  ASSERT_TRUE(store().end_session(alice.id, a, kNow + 10));
  ASSERT_TRUE(store().end_session(bob.id, b, kNow + 20));
  auto since = store().sessions_ended_since(kNow + 10);
  ASSERT_EQ(since.size(), 2u);
  EXPECT_EQ(since[0].id, a);
  EXPECT_EQ(since[0].user_id, alice.id);
  EXPECT_EQ(since[0].ended_at_ms, kNow + 10);
  EXPECT_EQ(since[1].id, b);
  ASSERT_EQ(store().sessions_ended_since(kNow + 11).size(), 1u);
  EXPECT_TRUE(store().sessions_ended_since(kNow + 21).empty());
}

TEST_P(StoreConformance, ConcurrentRotationAndEndLeaveNoLiveToken) {
  // Whichever of the two wins, the session ends with no refresh token that still rotates.
  for (int round = 0; round < 20; ++round) {
    User user = make_user(label_for(round));
    std::string t0 = "t0-" + std::to_string(round);
    std::int64_t id = store().create_session(
        new_session(user, t0, "f-" + std::to_string(round), kNow + 1000), kNow);
    std::string t1 = "t1-" + std::to_string(round);
    std::thread rotate([&] { store().rotate_refresh_token(t0, t1, kNow, kNow + 1000); });
    std::thread end([&] { store().end_session(user.id, id, kNow); });
    rotate.join();
    end.join();
    EXPECT_NE(store().find_session(id)->ended_at_ms, 0);
    EXPECT_EQ(store().rotate_refresh_token(t1, "x-" + t1, kNow, kNow + 1000).status,
              RotateStatus::unknown)
        << round;
  }
}

// --- users: passwords, deactivation, the admin list ---

TEST_P(StoreConformance, ChangesPasswordHashes) {
  User alice = make_user("alice");
  EXPECT_EQ(store().credentials_of(alice.id)->password_hash, "hash-alice");
  EXPECT_TRUE(store().set_password_hash(alice.id, "new-hash"));
  EXPECT_EQ(store().credentials_of(alice.id)->password_hash, "new-hash");
  EXPECT_EQ(store().find_credentials("ALICE")->password_hash, "new-hash");
  EXPECT_EQ(store().credentials_of(alice.id)->user.username, "alice");
  EXPECT_FALSE(store().set_password_hash(alice.id + 1000, "x"));
  EXPECT_FALSE(store().credentials_of(alice.id + 1000));
}

TEST_P(StoreConformance, DeactivatesAndReactivates) {
  User alice = make_user("alice");
  EXPECT_FALSE(store().find_user(alice.id)->deactivated);
  auto off = store().set_deactivated(alice.id, true);
  ASSERT_TRUE(off);
  EXPECT_TRUE(off->deactivated);
  EXPECT_EQ(off->username, "alice");
  EXPECT_EQ(off->role, "admin");
  EXPECT_TRUE(store().find_user(alice.id)->deactivated);
  EXPECT_TRUE(store().find_user_by_name("Alice")->deactivated);
  EXPECT_TRUE(store().find_credentials("alice")->user.deactivated);
  EXPECT_TRUE(store().set_deactivated(alice.id, true)->deactivated);  // again: no error
  EXPECT_FALSE(store().set_deactivated(alice.id, false)->deactivated);
  EXPECT_FALSE(store().find_user(alice.id)->deactivated);
  EXPECT_FALSE(store().set_deactivated(alice.id + 1000, true));
}

TEST_P(StoreConformance, ListsUsersInPages) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(make_user(label_for(i)).id);
  store().set_deactivated(ids[3], true);
  auto first = store().list_users(0, 3);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].id, ids[0]);
  EXPECT_EQ(first[2].id, ids[2]);
  auto next = store().list_users(first.back().id, 3);
  ASSERT_EQ(next.size(), 3u);
  EXPECT_EQ(next[0].id, ids[3]);
  EXPECT_TRUE(next[0].deactivated);
  EXPECT_EQ(store().list_users(ids[5], 3).size(), 1u);
  EXPECT_TRUE(store().list_users(ids[6], 3).empty());
  EXPECT_TRUE(store().list_users(0, 0).empty());
}

// --- two-factor ---

TEST_P(StoreConformance, TotpEnrolmentTurnsOnOnlyTheConfirmedSecret) {
  User alice = make_user("alice");
  EXPECT_FALSE(store().totp_state(alice.id));
  EXPECT_FALSE(store().set_pending_totp(alice.id + 1000, "sealed-x"));
  ASSERT_TRUE(store().set_pending_totp(alice.id, "sealed-1"));
  ASSERT_TRUE(store().set_pending_totp(alice.id, "sealed-2"));  // restarting replaces it
  auto state = store().totp_state(alice.id);
  ASSERT_TRUE(state);
  EXPECT_FALSE(state->secret);
  EXPECT_EQ(state->pending_secret, "sealed-2");
  // Confirming what is no longer pending changes nothing.
  EXPECT_FALSE(store().enable_totp(alice.id, "sealed-1", 100, {"h1"}));
  EXPECT_FALSE(store().totp_state(alice.id)->secret);
  ASSERT_TRUE(store().enable_totp(alice.id, "sealed-2", 100, {"h1", "h2"}));
  state = store().totp_state(alice.id);
  EXPECT_EQ(state->secret, "sealed-2");
  EXPECT_FALSE(state->pending_secret);
  EXPECT_EQ(state->last_step, 100);
  // While on, no new enrolment starts and the secret in force stays.
  EXPECT_FALSE(store().set_pending_totp(alice.id, "sealed-3"));
  EXPECT_FALSE(store().enable_totp(alice.id, "sealed-2", 200, {"h3"}));
  EXPECT_EQ(store().totp_state(alice.id)->secret, "sealed-2");
}

TEST_P(StoreConformance, TotpStepsAreSpentOnce) {
  User alice = make_user("alice");
  EXPECT_FALSE(store().accept_totp_step(alice.id, 5));  // not on
  ASSERT_TRUE(store().set_pending_totp(alice.id, "s"));
  EXPECT_FALSE(store().accept_totp_step(alice.id, 5));  // only pending
  ASSERT_TRUE(store().enable_totp(alice.id, "s", 100, {}));
  EXPECT_FALSE(store().accept_totp_step(alice.id, 100));  // the confirming code's step
  EXPECT_FALSE(store().accept_totp_step(alice.id, 99));
  EXPECT_TRUE(store().accept_totp_step(alice.id, 101));
  EXPECT_FALSE(store().accept_totp_step(alice.id, 101));
  EXPECT_TRUE(store().accept_totp_step(alice.id, 103));
  EXPECT_FALSE(store().accept_totp_step(alice.id, 102));
  EXPECT_EQ(store().totp_state(alice.id)->last_step, 103);
}

TEST_P(StoreConformance, ConcurrentLoginsSpendAStepOnce) {
  User alice = make_user("alice");
  ASSERT_TRUE(store().set_pending_totp(alice.id, "s"));
  ASSERT_TRUE(store().enable_totp(alice.id, "s", 1, {"h"}));
  std::atomic<int> accepted{0};
  std::atomic<int> codes{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      if (store().accept_totp_step(alice.id, 2)) ++accepted;
      if (store().use_recovery_code(alice.id, "h", kNow)) ++codes;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(codes.load(), 1);
}

TEST_P(StoreConformance, RecoveryCodesWorkOnceAndBelongToTheirUser) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  ASSERT_TRUE(store().set_pending_totp(alice.id, "s"));
  ASSERT_TRUE(store().enable_totp(alice.id, "s", 1, {"h1", "h2"}));
  EXPECT_FALSE(store().use_recovery_code(bob.id, "h1", kNow));
  EXPECT_TRUE(store().use_recovery_code(alice.id, "h1", kNow));
  EXPECT_FALSE(store().use_recovery_code(alice.id, "h1", kNow));
  EXPECT_FALSE(store().use_recovery_code(alice.id, "h3", kNow));
  // Turning off removes everything; enrolling again brings a new set.
  EXPECT_TRUE(store().disable_totp(alice.id));
  EXPECT_FALSE(store().disable_totp(alice.id));
  EXPECT_FALSE(store().totp_state(alice.id));
  EXPECT_FALSE(store().use_recovery_code(alice.id, "h2", kNow));
  ASSERT_TRUE(store().set_pending_totp(alice.id, "s2"));
  ASSERT_TRUE(store().enable_totp(alice.id, "s2", 1, {"h9"}));
  EXPECT_FALSE(store().use_recovery_code(alice.id, "h2", kNow));
  EXPECT_TRUE(store().use_recovery_code(alice.id, "h9", kNow));
}

TEST_P(StoreConformance, ConfirmingAgainReplacesRecoveryCodes) {
  User alice = make_user("alice");
  ASSERT_TRUE(store().set_pending_totp(alice.id, "s"));
  ASSERT_TRUE(store().enable_totp(alice.id, "s", 1, {"h1"}));
  ASSERT_TRUE(store().disable_totp(alice.id));
  ASSERT_TRUE(store().set_pending_totp(alice.id, "t"));
  ASSERT_TRUE(store().enable_totp(alice.id, "t", 1, {"h2"}));
  EXPECT_FALSE(store().use_recovery_code(alice.id, "h1", kNow));
}

}  // namespace parley::store::test

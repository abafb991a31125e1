// load_join on a real store: the room as the joining user sees it, the catch-up pages cut to
// the limits, and how far they cover the room's stream.
#include "realtime/join_loader.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "../store/temp_dir.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::realtime {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

std::vector<std::int64_t> ids_of(const std::vector<domain::Message>& messages) {
  std::vector<std::int64_t> ids;
  for (const auto& m : messages) ids.push_back(m.id);
  return ids;
}

class JoinLoaderTest : public ::testing::Test {
 protected:
  JoinLoaderTest() : store_(dir_.file("parley.db"), store::Durability::normal) {
    alice_ = store_.create_user("alice", "hash", kNow)->id;
    bob_ = store_.create_user("bob", "hash", kNow)->id;
    room_ = store_.create_room("general", false, alice_, std::nullopt, kNow)->id;
  }

  store::WriteResult write(store::Write w) { return store_.write_batch({&w, 1}, kNow).at(0); }
  domain::Message send(std::string body, std::size_t padding = 0) {
    return write(store::NewMessage{
                     room_, alice_, std::move(body) + std::string(padding, 'x'), {}, {}, {}})
        .message;
  }
  std::int64_t edit(std::int64_t id, std::string body) {
    return write(store::EditMessage{room_, id, alice_, std::move(body), false, {}}).message.rev;
  }

  store::test::TempDir dir_;
  store::SqliteStore store_;
  std::int64_t alice_ = 0, bob_ = 0, room_ = 0;
};

TEST_F(JoinLoaderTest, WithoutSinceTheRoomAndAMembershipOnly) {
  send("m1");
  JoinResult r = load_join(store_, room_, bob_, std::nullopt, {});
  ASSERT_FALSE(r.error.has_value());
  EXPECT_EQ(r.room.id, room_);
  EXPECT_TRUE(r.room.joined);
  ASSERT_TRUE(r.room.reading.has_value());
  EXPECT_EQ(r.room.reading->read.unread, 1);
  EXPECT_EQ(r.room.member_count, 2);
  EXPECT_TRUE(store_.is_member(room_, bob_));  // a public room joined makes a member
  EXPECT_TRUE(r.missed.empty());
  EXPECT_TRUE(r.changed.empty());
  // The live stream starts at the snapshot: up to the room's newest position.
  const auto newest =
      store_.catch_up(room_, std::numeric_limits<std::int64_t>::max(), 0, 0).newest_position;
  EXPECT_GT(newest, 0);
  EXPECT_EQ(r.covered, std::optional<std::int64_t>(newest));
}

TEST_F(JoinLoaderTest, PrivateRoomsOfOthersAndMissingRoomsAreNotFound) {
  std::int64_t secret = store_.create_room("secret", true, alice_, std::nullopt, kNow)->id;
  for (std::int64_t room : {secret, secret + 100}) {
    JoinResult r = load_join(store_, room, bob_, 0, {});
    ASSERT_TRUE(r.error.has_value());
    EXPECT_EQ(*r.error, ErrorCode::not_found);
    EXPECT_EQ(r.error_message, "no room " + std::to_string(room));
  }
  EXPECT_FALSE(store_.is_member(secret, bob_));
}

TEST_F(JoinLoaderTest, UncutPagesCoverTheRoomsNewestPosition) {
  domain::Message m1 = send("m1");
  domain::Message m2 = send("m2");
  domain::Message m3 = send("m3");
  const std::int64_t rev = edit(m1.id, "m1 edited");  // the newest position: a change
  JoinResult r = load_join(store_, room_, alice_, m2.id, {});
  ASSERT_FALSE(r.error.has_value());
  EXPECT_EQ(ids_of(r.missed), (std::vector{m3.id}));
  EXPECT_EQ(ids_of(r.changed), (std::vector{m1.id}));
  EXPECT_FALSE(r.missed_truncated);
  EXPECT_FALSE(r.changed_truncated);
  EXPECT_EQ(r.covered, std::optional<std::int64_t>(rev));
  // A client already beyond everything: covered where it stands.
  JoinResult ahead = load_join(store_, room_, alice_, rev + 50, {});
  EXPECT_TRUE(ahead.missed.empty());
  EXPECT_EQ(ahead.covered, std::optional<std::int64_t>(rev + 50));
  // Nothing new: covered up to the newest position.
  JoinResult current = load_join(store_, room_, alice_, rev, {});
  EXPECT_EQ(current.covered, std::optional<std::int64_t>(rev));
}

TEST_F(JoinLoaderTest, ACutMissedPageCoversUpToItsLastMessage) {
  domain::Message m1 = send("m1");
  std::vector<std::int64_t> later;
  for (int i = 0; i < 5; ++i) later.push_back(send("later").id);
  JoinResult r = load_join(store_, room_, alice_, m1.id, {3, 1 << 20});
  EXPECT_EQ(ids_of(r.missed), (std::vector{later[0], later[1], later[2]}));
  EXPECT_TRUE(r.missed_truncated);
  EXPECT_EQ(r.covered, std::optional<std::int64_t>(later[2]));
  // Exactly at the limit is not cut.
  JoinResult exact = load_join(store_, room_, alice_, later[1], {3, 1 << 20});
  EXPECT_EQ(exact.missed.size(), 3u);
  EXPECT_FALSE(exact.missed_truncated);
  EXPECT_EQ(exact.covered, std::optional<std::int64_t>(later[4]));
}

TEST_F(JoinLoaderTest, ACutChangedPageCoversUpToItsLastChange) {
  std::vector<domain::Message> ms;
  for (int i = 0; i < 4; ++i) ms.push_back(send("m"));
  std::vector<std::int64_t> revs;
  for (int i = 0; i < 4; ++i) revs.push_back(edit(ms[static_cast<std::size_t>(i)].id, "edited"));
  domain::Message fresh = send("fresh");
  JoinResult r = load_join(store_, room_, alice_, ms[3].id, {2, 1 << 20});
  EXPECT_EQ(ids_of(r.changed), (std::vector{ms[0].id, ms[1].id}));
  EXPECT_TRUE(r.changed_truncated);
  EXPECT_EQ(ids_of(r.missed), (std::vector{fresh.id}));
  EXPECT_FALSE(r.missed_truncated);
  EXPECT_EQ(r.covered, std::optional<std::int64_t>(revs[1]));
}

TEST_F(JoinLoaderTest, BothCutCoverTheLowerOfTheirEnds) {
  std::vector<domain::Message> ms;
  for (int i = 0; i < 3; ++i) ms.push_back(send("m"));
  std::vector<std::int64_t> later;
  for (int i = 0; i < 3; ++i) later.push_back(send("later").id);
  std::vector<std::int64_t> revs;
  for (int i = 0; i < 3; ++i) revs.push_back(edit(ms[static_cast<std::size_t>(i)].id, "edited"));
  // missed [later0, later1] ends below changed [m0, m1] (revs above every later id).
  JoinResult r = load_join(store_, room_, alice_, ms[2].id, {2, 1 << 20});
  EXPECT_TRUE(r.missed_truncated);
  EXPECT_TRUE(r.changed_truncated);
  EXPECT_EQ(r.covered, std::optional<std::int64_t>(later[1]));
}

TEST_F(JoinLoaderTest, TheByteLimitCutsButKeepsAtLeastOneMessage) {
  domain::Message m1 = send("m1");
  domain::Message big1 = send("big", 3000);
  domain::Message big2 = send("big", 3000);
  send("small");
  JoinResult r = load_join(store_, room_, alice_, m1.id, {100, 1000});
  EXPECT_EQ(ids_of(r.missed), (std::vector{big1.id}));  // alone over the limit, still shown
  EXPECT_TRUE(r.missed_truncated);
  EXPECT_EQ(r.covered, std::optional<std::int64_t>(big1.id));
  JoinResult two = load_join(store_, room_, alice_, m1.id, {100, 6600});
  EXPECT_EQ(ids_of(two.missed), (std::vector{big1.id, big2.id}));
  EXPECT_TRUE(two.missed_truncated);
}

}  // namespace
}  // namespace parley::realtime

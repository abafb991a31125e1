// Conformance of read states: unread and mention counts kept as counters must always equal what
// counting the history says, through sends, deletions above and below the read position, reads,
// and a member leaving and coming back.
#include <cstdint>
#include <string>
#include <vector>

#include "store_conformance.hpp"

namespace parley::store::test {

TEST_P(StoreConformance, UnreadLeavesOutOwnAndDeletedMessages) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  Message a1 = append(room, alice, "a1");
  append(room, alice, "a2");
  append(room, bob, "b1");
  Message b2 = append(room, bob, "b2");
  append(room, bob, "b3");
  EXPECT_EQ(unread(room, alice), 3);
  EXPECT_EQ(unread(room, bob), 2);
  EXPECT_EQ(store().read_state(room.id, bob.id).last_read, 0);

  ASSERT_EQ(remove(room, bob, b2.id).status, WriteStatus::changed);
  EXPECT_EQ(unread(room, alice), 2);
  EXPECT_EQ(unread(room, bob), 2);
  ASSERT_EQ(remove(room, alice, a1.id).status, WriteStatus::changed);
  EXPECT_EQ(unread(room, alice), 2);
  EXPECT_EQ(unread(room, bob), 1);
  EXPECT_EQ(unread(room, alice), counted_unread(room, alice));
  EXPECT_EQ(unread(room, bob), counted_unread(room, bob));
}

TEST_P(StoreConformance, UnreadStaysRightAcrossDeletionsAboveAndBelowTheReadPosition) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  std::vector<Message> ms;
  for (int i = 0; i < 8; ++i) ms.push_back(append(room, i % 2 == 0 ? alice : bob, "m"));
  auto agree = [&](const char* step) {
    for (const User& u : {alice, bob})
      EXPECT_EQ(unread(room, u), counted_unread(room, u)) << step << " for " << u.username;
  };
  ASSERT_EQ(read(room, bob, ms[3].id).status, WriteStatus::changed);
  ASSERT_EQ(read(room, alice, ms[4].id).status, WriteStatus::changed);
  EXPECT_EQ(unread(room, bob), 2);    // ms[4], ms[6]
  EXPECT_EQ(unread(room, alice), 2);  // ms[5], ms[7]
  agree("after reading");

  // Below both positions: another's and an own message.
  ASSERT_EQ(remove(room, alice, ms[0].id).status, WriteStatus::changed);
  ASSERT_EQ(remove(room, bob, ms[1].id).status, WriteStatus::changed);
  EXPECT_EQ(unread(room, bob), 2);
  EXPECT_EQ(unread(room, alice), 2);
  agree("deleted below");
  // Above both: alice's ms[6] (unread for bob), bob's own ms[7] deleted by the owner.
  ASSERT_EQ(remove(room, alice, ms[6].id).status, WriteStatus::changed);
  ASSERT_EQ(remove(room, alice, ms[7].id).status, WriteStatus::changed);
  EXPECT_EQ(unread(room, bob), 1);
  EXPECT_EQ(unread(room, alice), 1);
  agree("deleted above");
  // Between them: above bob's position, at alice's.
  ASSERT_EQ(remove(room, alice, ms[4].id).status, WriteStatus::changed);
  EXPECT_EQ(unread(room, bob), 0);
  agree("deleted between");

  // Reading across the tombstones, then new messages.
  ASSERT_EQ(read(room, bob, ms[7].id).status, WriteStatus::changed);
  EXPECT_EQ(unread(room, bob), 0);
  append(room, alice, "new from alice");
  append(room, bob, "new from bob");
  EXPECT_EQ(unread(room, bob), 1);
  EXPECT_EQ(unread(room, alice), 2);  // ms[5] and bob's new one
  agree("new messages");
}

TEST_P(StoreConformance, ReadingPastOwnMessagesKeepsThemOutOfUnread) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  Message own1 = append(room, bob, "own 1");
  append(room, alice, "other 1");
  Message own2 = append(room, bob, "own 2");
  Message other2 = append(room, alice, "other 2");
  append(room, bob, "own 3");
  EXPECT_EQ(unread(room, bob), 2);
  // Reading up to an own message, then deleting own messages on both sides of the position.
  ASSERT_EQ(read(room, bob, own2.id).status, WriteStatus::changed);
  EXPECT_EQ(unread(room, bob), 1);
  ASSERT_EQ(remove(room, bob, own1.id).status, WriteStatus::changed);
  EXPECT_EQ(unread(room, bob), 1);
  WriteResult last = read(room, bob, other2.id);
  EXPECT_EQ(last.read.unread, 0);
  EXPECT_EQ(last.read.last_read, other2.id);
  append(room, alice, "other 3");
  EXPECT_EQ(unread(room, bob), 1);
  EXPECT_EQ(unread(room, bob), counted_unread(room, bob));
  EXPECT_EQ(unread(room, alice), counted_unread(room, alice));
}

TEST_P(StoreConformance, ReadStateOutlivesLeavingAndRejoining) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  append(room, alice, "m1");
  Message m2 = append(room, alice, "m2");
  append(room, bob, "own, unread by nobody but alice");
  ASSERT_EQ(read(room, bob, m2.id).status, WriteStatus::changed);

  ASSERT_TRUE(store().remove_member(room.id, bob.id));
  EXPECT_FALSE(store().room_overview(room.id, bob.id)->reading.has_value());
  EXPECT_EQ(read(room, bob, 1'000'000).status, WriteStatus::not_member_public);
  Message away1 = write(message(room, alice, "while away @bob")).message;
  Message away2 = append(room, alice, "while away, deleted");
  append(room, alice, "while away, kept");
  ASSERT_EQ(remove(room, alice, away2.id).status, WriteStatus::changed);

  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow + 1));
  auto overview = store().room_overview(room.id, bob.id);
  ASSERT_TRUE(overview.has_value() && overview->reading.has_value());
  EXPECT_EQ(overview->reading->read.last_read, m2.id);
  EXPECT_EQ(overview->reading->read.unread, 2);
  EXPECT_EQ(overview->reading->read.mentions, 0);  // mentions resolve to members only
  EXPECT_TRUE(away1.mentions.empty());
  EXPECT_EQ(unread(room, bob), counted_unread(room, bob));
  EXPECT_EQ(store().members(room.id).back().last_read, m2.id);
}

TEST_P(StoreConformance, ANewMemberHasReadNothing) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  append(room, alice, "before bob came");
  append(room, alice, "also before");
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  domain::ReadState state = store().read_state(room.id, bob.id);
  EXPECT_EQ(state.room_id, room.id);
  EXPECT_EQ(state.last_read, 0);
  EXPECT_EQ(state.unread, 2);
  EXPECT_EQ(state.mentions, 0);
}

// A long mixed run of sends, deletions (by author and owner), reads and edits by three members
// of two rooms: after every step each counter equals the count taken from the history.
TEST_P(StoreConformance, CountersAgreeWithCountingThroughAMixedRun) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  User carol = make_user("carol");
  const std::vector<User> users = {alice, bob, carol};
  Room room = make_room("general", alice);
  Room side = make_room("side", bob);
  for (const User& u : {bob, carol}) ASSERT_TRUE(store().add_member(room.id, u.id, kNow));
  ASSERT_TRUE(store().add_member(side.id, carol.id, kNow));

  std::uint32_t seed = 12345;
  auto next = [&](std::uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % n;
  };
  auto author_of = [&](const Message& m) -> const User& {
    for (const User& u : users)
      if (u.id == m.user_id) return u;
    ADD_FAILURE() << "no author for message " << m.id;
    return users.front();
  };
  std::vector<Message> sent;
  for (int step = 0; step < 150; ++step) {
    const User& u = users[next(3)];
    const std::uint32_t what = next(10);
    if (what < 5 || sent.empty()) {
      std::string body = "step " + std::to_string(step);
      if (next(3) == 0) body += " @" + users[next(3)].username;
      sent.push_back(write(message(room, u, body)).message);
      if (next(4) == 0) append(side, carol, "noise");  // ids of another room in between
    } else if (what < 7) {
      const Message& target = sent[next(static_cast<std::uint32_t>(sent.size()))];
      remove(room, next(2) == 0 ? alice : author_of(target), target.id);
    } else if (what < 9) {
      const Message& target = sent[next(static_cast<std::uint32_t>(sent.size()))];
      read(room, u, target.id);
    } else {
      const Message& target = sent[next(static_cast<std::uint32_t>(sent.size()))];
      edit(room, author_of(target), target.id, "edited @" + users[next(3)].username);
    }
    for (const User& member : users) {
      domain::ReadState state = store().read_state(room.id, member.id);
      ASSERT_EQ(state.unread, counted_unread(room, member))
          << "step " << step << " for " << member.username;
      std::int64_t mentions = 0;
      for (const Message& m : store().messages_after(room.id, state.last_read, 100'000))
        for (std::int64_t id : m.mentions) mentions += id == member.id ? 1 : 0;
      ASSERT_EQ(state.mentions, mentions) << "step " << step << " for " << member.username;
    }
  }
}

}  // namespace parley::store::test

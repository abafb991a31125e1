// Conformance of positions (every change draws a fresh number from the message id sequence, a
// no-op draws none) and of mentions (resolved to the room's members, the sender left out).
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "store_conformance.hpp"

namespace parley::store::test {

// Every change's position is above every id and position drawn before it, and no number is
// handed out twice: messages and changes of all rooms share one sequence.
TEST_P(StoreConformance, EveryChangeDrawsAFreshPositionAboveAllEarlierOnes) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  Room other = make_room("other", bob);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  std::vector<std::int64_t> drawn;  // in the order the writes were made
  auto sent = [&](const Room& r, const User& u, const char* body) {
    Message m = append(r, u, body);
    drawn.push_back(m.id);
    return m;
  };
  auto changed = [&](WriteResult r) {
    EXPECT_EQ(r.status, WriteStatus::changed);
    EXPECT_EQ(r.message.position(), r.message.rev);
    drawn.push_back(r.message.rev);
    return r.message;
  };

  Message a = sent(room, alice, "a");
  Message b = sent(other, bob, "b");
  changed(edit(room, alice, a.id, "a2"));
  changed(react(other, bob, b.id, "👍"));
  Message c = sent(room, bob, "c");
  changed(react(room, alice, a.id, "🎉"));
  WriteResult r = reply(room, bob, "reply", a.id);
  ASSERT_EQ(r.status, WriteStatus::stored);
  drawn.push_back(r.message.id);
  drawn.push_back(r.parent.value_or(Message{}).rev);
  changed(edit(room, alice, a.id, "a3"));  // a message changed again draws again
  changed(remove(room, bob, c.id));
  changed(react(other, bob, b.id, "👍", false));
  sent(other, bob, "d");

  for (std::size_t i = 1; i < drawn.size(); ++i) EXPECT_GT(drawn[i], drawn[i - 1]) << i;
  EXPECT_EQ(std::set<std::int64_t>(drawn.begin(), drawn.end()).size(), drawn.size());
  EXPECT_EQ(current(room, a.id).rev, drawn[8]);
  EXPECT_EQ(current(room, c.id).rev, drawn[9]);
  EXPECT_EQ(current(other, b.id).rev, drawn[10]);
}

TEST_P(StoreConformance, UnsentAndUnchangedMessagesHaveNoRevision) {
  User alice = make_user("alice");
  Room room = make_room("general", alice);
  Message m = append(room, alice, "plain");
  EXPECT_EQ(m.rev, 0);
  EXPECT_EQ(m.position(), m.id);
  Message stored = current(room, m.id);
  EXPECT_EQ(stored.rev, 0);
  EXPECT_FALSE(stored.edited_at_ms.has_value());
  EXPECT_FALSE(stored.deleted);
  EXPECT_FALSE(stored.reply_to.has_value());
  EXPECT_EQ(stored.reply_count, 0);
  EXPECT_FALSE(stored.last_reply_at_ms.has_value());
  EXPECT_TRUE(stored.mentions.empty());
  EXPECT_FALSE(stored.reactions_json.has_value());
}

// Writes that change nothing, or are refused, take no number: the next one drawn follows the
// last change directly.
TEST_P(StoreConformance, NoOpsAndRefusalsDrawNoPosition) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  Message m = append(room, alice, "body");
  Message gone = append(room, alice, "gone");
  ASSERT_EQ(react(room, bob, m.id, "👍").status, WriteStatus::changed);
  const std::int64_t last = remove(room, alice, gone.id).message.rev;
  ASSERT_GT(last, m.id);

  EXPECT_EQ(edit(room, alice, m.id, "body").status, WriteStatus::unchanged);
  EXPECT_EQ(react(room, bob, m.id, "👍").status, WriteStatus::unchanged);
  EXPECT_EQ(react(room, bob, m.id, "🎉", false).status, WriteStatus::unchanged);
  EXPECT_EQ(remove(room, alice, gone.id).status, WriteStatus::unchanged);
  EXPECT_EQ(read(room, bob, m.id).status, WriteStatus::changed);  // reads never draw
  EXPECT_EQ(read(room, bob, m.id).status, WriteStatus::unchanged);
  EXPECT_EQ(edit(room, bob, m.id, "not mine").status, WriteStatus::forbidden);
  EXPECT_EQ(edit(room, alice, gone.id, "deleted").status, WriteStatus::conflict);
  EXPECT_EQ(react(room, bob, gone.id, "👍").status, WriteStatus::conflict);
  EXPECT_EQ(reply(room, bob, "to a tombstone", gone.id).status, WriteStatus::invalid);

  EXPECT_EQ(current(room, m.id).rev, last - 1);  // the reaction, just before the deletion
  EXPECT_EQ(append(room, bob, "next").id, last + 1);
}

TEST_P(StoreConformance, AReplysParentChangesAfterTheReply) {
  User alice = make_user("alice");
  Room room = make_room("general", alice);
  Message parent = append(room, alice, "parent");
  ASSERT_EQ(edit(room, alice, parent.id, "edited parent").status, WriteStatus::changed);
  WriteResult r = reply(room, alice, "reply", parent.id);
  ASSERT_EQ(r.status, WriteStatus::stored);
  ASSERT_TRUE(r.parent.has_value());
  EXPECT_GT(r.message.id, parent.id);
  EXPECT_GT(r.parent->rev, r.message.id);
  EXPECT_EQ(r.parent->body, "edited parent");
  EXPECT_EQ(r.parent->position(), r.parent->rev);
  // The reply itself is unchanged: its position is its id.
  EXPECT_EQ(r.message.rev, 0);
  EXPECT_EQ(current(room, r.message.id).position(), r.message.id);
  // Both are in the room's stream, reply first.
  auto stream = store().changes_since(room.id, parent.id, 10);
  ASSERT_EQ(stream.size(), 2u);
  EXPECT_EQ(stream[0].id, r.message.id);
  EXPECT_EQ(stream[1].id, parent.id);
  EXPECT_EQ(stream[1].rev, r.parent->rev);
}

// --- mentions ---

TEST_P(StoreConformance, MentionsNameMembersOtherThanTheSenderInOrder) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  User carol = make_user("carol");
  User dave = make_user("dave");  // not in the room
  make_user("bobby");             // not in the room either
  Room room = make_room("general", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  ASSERT_TRUE(store().add_member(room.id, carol.id, kNow));

  WriteResult r = write(message(room, alice, "@Carol hi @alice, @dave @bobby and @BOB. @carol"));
  ASSERT_EQ(r.status, WriteStatus::stored);
  EXPECT_EQ(r.message.mentions, (std::vector{carol.id, bob.id}));
  EXPECT_EQ(r.new_mentions, (std::vector{carol.id, bob.id}));
  EXPECT_EQ(current(room, r.message.id).mentions, (std::vector{carol.id, bob.id}));
  EXPECT_EQ(store().read_state(room.id, bob.id).mentions, 1);
  EXPECT_EQ(store().read_state(room.id, carol.id).mentions, 1);
  EXPECT_EQ(store().read_state(room.id, alice.id).mentions, 0);
  EXPECT_EQ(store().read_state(room.id, dave.id).mentions, 0);

  // Not whole words, e-mail addresses, or nobody at all.
  for (const char* body : {"mail bob@example.com", "@bobby", "@bob_x", "@ bob", "no one"}) {
    WriteResult none = write(message(room, alice, body));
    EXPECT_TRUE(none.message.mentions.empty()) << body;
    EXPECT_TRUE(none.new_mentions.empty()) << body;
  }
  EXPECT_EQ(store().read_state(room.id, bob.id).mentions, 1);
}

TEST_P(StoreConformance, MentionsInOneBatchAreResolvedForEachMessage) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  User carol = make_user("carol");
  Room room = make_room("general", alice);
  Room other = make_room("other", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  ASSERT_TRUE(store().add_member(other.id, carol.id, kNow));
  std::vector<NewMessage> batch = {message(room, alice, "@bob @carol"),
                                   message(other, alice, "@bob @carol"),
                                   message(room, bob, "@alice @bob"), message(room, alice, "none")};
  auto results = store().append_messages(batch, kNow);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].new_mentions, (std::vector{bob.id}));    // carol is not in the room
  EXPECT_EQ(results[1].new_mentions, (std::vector{carol.id}));  // nor bob in the other
  EXPECT_EQ(results[2].new_mentions, (std::vector{alice.id}));  // not the sender himself
  EXPECT_TRUE(results[3].new_mentions.empty());
  EXPECT_EQ(current(other, results[1].message.id).mentions, (std::vector{carol.id}));
}

TEST_P(StoreConformance, AnEditMentionsOnlyNewUsersAndRewritesTheCounts) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  User carol = make_user("carol");
  Room room = make_room("general", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  ASSERT_TRUE(store().add_member(room.id, carol.id, kNow));
  Message m = write(message(room, alice, "hi @bob")).message;
  ASSERT_EQ(store().read_state(room.id, bob.id).mentions, 1);

  WriteResult both = edit(room, alice, m.id, "hi @bob and @carol");
  ASSERT_EQ(both.status, WriteStatus::changed);
  EXPECT_EQ(both.new_mentions, (std::vector{carol.id}));
  EXPECT_EQ(both.message.mentions, (std::vector{bob.id, carol.id}));
  EXPECT_EQ(store().read_state(room.id, bob.id).mentions, 1);
  EXPECT_EQ(store().read_state(room.id, carol.id).mentions, 1);

  WriteResult carol_only = edit(room, alice, m.id, "hi @carol");
  ASSERT_EQ(carol_only.status, WriteStatus::changed);
  EXPECT_TRUE(carol_only.new_mentions.empty());
  EXPECT_EQ(carol_only.message.mentions, (std::vector{carol.id}));
  EXPECT_EQ(store().read_state(room.id, bob.id).mentions, 0);
  EXPECT_EQ(store().read_state(room.id, carol.id).mentions, 1);

  // Named again after being dropped: new again.
  WriteResult back = edit(room, alice, m.id, "hi @bob");
  EXPECT_EQ(back.new_mentions, (std::vector{bob.id}));
  EXPECT_EQ(store().read_state(room.id, bob.id).mentions, 1);
  EXPECT_EQ(store().read_state(room.id, carol.id).mentions, 0);
  EXPECT_EQ(current(room, m.id).mentions, (std::vector{bob.id}));

  // A deletion takes the message's mentions with it.
  ASSERT_EQ(remove(room, alice, m.id).status, WriteStatus::changed);
  EXPECT_EQ(store().read_state(room.id, bob.id).mentions, 0);
  EXPECT_TRUE(current(room, m.id).mentions.empty());
}

TEST_P(StoreConformance, MentionsCountOnlyAboveTheReadPosition) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  Message first = write(message(room, alice, "@bob one")).message;
  Message second = write(message(room, alice, "plain")).message;
  Message third = write(message(room, alice, "@bob three")).message;
  EXPECT_EQ(store().read_state(room.id, bob.id).mentions, 2);
  ASSERT_EQ(read(room, bob, first.id).status, WriteStatus::changed);
  EXPECT_EQ(store().read_state(room.id, bob.id).mentions, 1);
  WriteResult all = read(room, bob, third.id);
  EXPECT_EQ(all.read.mentions, 0);
  EXPECT_EQ(all.read.unread, 0);
  // A message he has read past, edited to name him: a new mention, but not an unread one.
  EXPECT_EQ(edit(room, alice, second.id, "plain @bob").new_mentions, (std::vector{bob.id}));
  EXPECT_EQ(store().read_state(room.id, bob.id).mentions, 0);
  Message fourth = write(message(room, alice, "four")).message;
  EXPECT_EQ(edit(room, alice, fourth.id, "four @bob").new_mentions, (std::vector{bob.id}));
  EXPECT_EQ(store().read_state(room.id, bob.id).mentions, 1);
}

}  // namespace parley::store::test

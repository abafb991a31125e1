// Conformance of the v1.1 reads: catch_up, changes_since, replies, find_message, the `reading` of
// room_overview and list_rooms, and members' read positions.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "store_conformance.hpp"

namespace parley::store::test {

namespace {

std::vector<std::int64_t> ids_of(const std::vector<Message>& messages) {
  std::vector<std::int64_t> ids;
  for (const auto& m : messages) ids.push_back(m.id);
  return ids;
}

std::vector<std::int64_t> positions_of(const std::vector<Message>& messages) {
  std::vector<std::int64_t> out;
  for (const auto& m : messages) out.push_back(m.position());
  return out;
}

}  // namespace

// A room with a known past: m0..m5 sent, then (in this order) m1 edited, m3 reacted to, m4
// deleted, m5 edited, m0 replied to. Another room's traffic is interleaved.
class HistoryWithChanges {
 public:
  HistoryWithChanges(Store& store, const Room& room, const Room& noise, const User& alice,
                     const User& bob)
      : store_(store) {
    for (int i = 0; i < 6; ++i) {
      std::string body = "m";  // appended: GCC 12 warns falsely (-Wrestrict) on "m" + string
      body += std::to_string(i);
      ms.push_back(
          write(NewMessage{room.id, (i % 2 == 0 ? alice : bob).id, body, {}, {}, {}}).message);
      write(NewMessage{noise.id, alice.id, "noise", {}, {}, {}});
    }
    cursor = ms[3].id;  // a client that saw m0..m3 as sent
    edit_rev = change(EditMessage{room.id, ms[1].id, bob.id, "m1 edited", false, {}});
    react_rev = change(ReactMessage{room.id, ms[3].id, alice.id, "👍", true});
    write(NewMessage{noise.id, alice.id, "noise", {}, {}, {}});
    delete_rev = change(DeleteMessage{room.id, ms[4].id, alice.id});
    edit5_rev = change(EditMessage{room.id, ms[5].id, bob.id, "m5 edited", false, {}});
    WriteResult r = write(NewMessage{room.id, bob.id, "reply to m0", {}, {}, ms[0].id});
    reply = r.message;
    parent_rev = r.parent.value_or(Message{}).rev;
  }

  std::vector<Message> ms;
  std::int64_t cursor = 0;
  std::int64_t edit_rev = 0, react_rev = 0, delete_rev = 0, edit5_rev = 0, parent_rev = 0;
  Message reply;

 private:
  static constexpr std::int64_t kNow = 1'700'000'000'000;

  WriteResult write(Write w) {
    auto results = store_.write_batch({&w, 1}, kNow);
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? WriteResult{} : results.front();
  }
  std::int64_t change(Write w) {
    WriteResult r = write(std::move(w));
    EXPECT_EQ(r.status, WriteStatus::changed);
    return r.message.rev;
  }

  Store& store_;
};

TEST_P(StoreConformance, CatchUpShowsNewMessagesAndChangedOldOnes) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  Room noise = make_room("noise", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  HistoryWithChanges h(store(), room, noise, alice, bob);

  Store::CatchUp c = store().catch_up(room.id, h.cursor, 100, 100);
  // New since the cursor, oldest first, in their current state (m4 a tombstone, m5 edited).
  EXPECT_EQ(ids_of(c.missed), (std::vector{h.ms[4].id, h.ms[5].id, h.reply.id}));
  EXPECT_TRUE(c.missed[0].deleted);
  EXPECT_EQ(c.missed[1].body, "m5 edited");
  // Known to the client but changed since, by rev: m1, m3, then m0 (its new reply).
  EXPECT_EQ(ids_of(c.changed), (std::vector{h.ms[1].id, h.ms[3].id, h.ms[0].id}));
  EXPECT_EQ(positions_of(c.changed), (std::vector{h.edit_rev, h.react_rev, h.parent_rev}));
  EXPECT_EQ(c.changed[0].body, "m1 edited");
  EXPECT_TRUE(c.changed[1].reactions_json.has_value());
  EXPECT_EQ(c.changed[2].reply_count, 1);
  // The room's newest position: the parent's rev, drawn after the reply's id.
  EXPECT_EQ(c.newest_position, h.parent_rev);
  for (const Message& m : c.missed) EXPECT_EQ(m.room_id, room.id);

  // Limits apply to each page separately.
  Store::CatchUp cut = store().catch_up(room.id, h.cursor, 2, 1);
  EXPECT_EQ(ids_of(cut.missed), (std::vector{h.ms[4].id, h.ms[5].id}));
  EXPECT_EQ(ids_of(cut.changed), (std::vector{h.ms[1].id}));
  EXPECT_EQ(cut.newest_position, h.parent_rev);

  // A cursor at the newest position: nothing to show.
  Store::CatchUp none = store().catch_up(room.id, h.parent_rev, 100, 100);
  EXPECT_TRUE(none.missed.empty());
  EXPECT_TRUE(none.changed.empty());
  EXPECT_EQ(none.newest_position, h.parent_rev);
  // A cursor between two changes: only what came after it.
  Store::CatchUp mid = store().catch_up(room.id, h.react_rev, 100, 100);
  EXPECT_EQ(ids_of(mid.missed), (std::vector{h.reply.id}));
  EXPECT_EQ(ids_of(mid.changed), (std::vector{h.ms[4].id, h.ms[5].id, h.ms[0].id}));
}

TEST_P(StoreConformance, CatchUpOfAnEmptyOrQuietRoom) {
  User alice = make_user("alice");
  Room empty = make_room("empty", alice);
  Room quiet = make_room("quiet", alice);
  Store::CatchUp c = store().catch_up(empty.id, 0, 10, 10);
  EXPECT_TRUE(c.missed.empty());
  EXPECT_TRUE(c.changed.empty());
  EXPECT_EQ(c.newest_position, 0);
  Message m = append(quiet, alice, "only");
  append(empty, alice, "elsewhere, later");
  Store::CatchUp q = store().catch_up(quiet.id, 0, 10, 10);
  EXPECT_EQ(ids_of(q.missed), (std::vector{m.id}));
  EXPECT_EQ(q.newest_position, m.id);  // not the other room's newer id
}

TEST_P(StoreConformance, ChangesSinceListsEveryLatestStateByPosition) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  Room noise = make_room("noise", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  HistoryWithChanges h(store(), room, noise, alice, bob);

  auto all = store().changes_since(room.id, 0, 100);
  // Each message once, at its latest position: m2 (never changed) by id, the others by rev.
  EXPECT_EQ(ids_of(all), (std::vector{h.ms[2].id, h.ms[1].id, h.ms[3].id, h.ms[4].id, h.ms[5].id,
                                      h.reply.id, h.ms[0].id}));
  auto positions = positions_of(all);
  EXPECT_TRUE(std::is_sorted(positions.begin(), positions.end()));
  EXPECT_EQ(std::set<std::int64_t>(positions.begin(), positions.end()).size(), positions.size());
  EXPECT_EQ(positions.back(), h.parent_rev);

  auto after_cursor = store().changes_since(room.id, h.cursor, 100);
  EXPECT_EQ(ids_of(after_cursor),
            (std::vector{h.ms[1].id, h.ms[3].id, h.ms[4].id, h.ms[5].id, h.reply.id, h.ms[0].id}));
  EXPECT_TRUE(store().changes_since(room.id, h.parent_rev, 100).empty());
  EXPECT_TRUE(store().changes_since(room.id, 0, 0).empty());

  // Paging by position, as /changes does: the pages, joined, are the whole list.
  for (int limit : {1, 2, 3}) {
    std::vector<Message> paged;
    std::int64_t since = 0;
    for (int page = 0; page < 20; ++page) {
      auto got = store().changes_since(room.id, since, limit);
      ASSERT_LE(got.size(), static_cast<std::size_t>(limit));
      if (got.empty()) break;
      paged.insert(paged.end(), got.begin(), got.end());
      since = got.back().position();
    }
    EXPECT_EQ(ids_of(paged), ids_of(all)) << "limit " << limit;
    EXPECT_EQ(positions_of(paged), positions) << "limit " << limit;
  }
}

TEST_P(StoreConformance, ChangesOfAnotherRoomStayThere) {
  User alice = make_user("alice");
  Room a = make_room("a", alice);
  Room b = make_room("b", alice);
  Message in_a = append(a, alice, "a");
  Message in_b = append(b, alice, "b");
  ASSERT_EQ(edit(b, alice, in_b.id, "b edited").status, WriteStatus::changed);
  EXPECT_EQ(ids_of(store().changes_since(a.id, 0, 10)), (std::vector{in_a.id}));
  EXPECT_TRUE(store().catch_up(a.id, in_a.id, 10, 10).changed.empty());
  EXPECT_EQ(store().catch_up(a.id, in_a.id, 10, 10).newest_position, in_a.id);
}

TEST_P(StoreConformance, RepliesPageOldestFirst) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  Room other = make_room("other", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  Message parent = append(room, alice, "parent");
  Message unrelated = append(room, alice, "unrelated");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    // Every other one replies to the previous reply: it still lands in the parent's thread.
    std::int64_t target = i % 2 == 1 ? ids.back() : parent.id;
    WriteResult r = reply(room, i % 2 == 0 ? bob : alice, "r" + std::to_string(i), target);
    ASSERT_EQ(r.status, WriteStatus::stored) << i;
    ids.push_back(r.message.id);
    append(room, alice, "between");
  }
  reply(room, alice, "another thread", unrelated.id);
  ASSERT_EQ(remove(room, bob, ids[2]).status, WriteStatus::changed);

  auto all = store().replies(room.id, parent.id, 0, 100);
  EXPECT_EQ(ids_of(all), ids);
  EXPECT_TRUE(all[2].deleted);  // deleted replies stay in the thread, as tombstones
  EXPECT_EQ(all[1].body, "r1");
  for (const Message& m : all) EXPECT_EQ(m.reply_to, std::optional<std::int64_t>(parent.id));
  EXPECT_EQ(ids_of(store().replies(room.id, parent.id, 0, 2)), (std::vector{ids[0], ids[1]}));
  EXPECT_EQ(ids_of(store().replies(room.id, parent.id, ids[1], 2)), (std::vector{ids[2], ids[3]}));
  EXPECT_EQ(ids_of(store().replies(room.id, parent.id, ids[3], 2)), (std::vector{ids[4]}));
  EXPECT_TRUE(store().replies(room.id, parent.id, ids[4], 2).empty());
  EXPECT_TRUE(store().replies(room.id, parent.id, 0, 0).empty());
  EXPECT_TRUE(store().replies(room.id, ids[0], 0, 10).empty());  // a reply has no thread
  EXPECT_TRUE(store().replies(other.id, parent.id, 0, 10).empty());
  EXPECT_EQ(current(room, parent.id).reply_count, 5);
}

TEST_P(StoreConformance, FindMessageReadsOneMessageOfTheRoomInItsCurrentState) {
  User alice = make_user("alice");
  Room room = make_room("general", alice);
  Room other = make_room("other", alice);
  NewMessage in = message(room, alice, "hello", "c-1");
  in.meta_json = R"({"a":1})";
  Message m = write(in, kNow + 3).message;
  ASSERT_EQ(edit(room, alice, m.id, "hello again", std::nullopt, kNow + 4).status,
            WriteStatus::changed);

  auto found = store().find_message(room.id, m.id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, m.id);
  EXPECT_EQ(found->room_id, room.id);
  EXPECT_EQ(found->user_id, alice.id);
  EXPECT_EQ(found->username, "alice");
  EXPECT_EQ(found->body, "hello again");
  EXPECT_EQ(found->ts_ms, kNow + 3);
  EXPECT_EQ(found->edited_at_ms, std::optional<std::int64_t>(kNow + 4));
  EXPECT_EQ(found->client_id, std::optional<std::string>("c-1"));
  EXPECT_EQ(found->meta_json, in.meta_json);
  EXPECT_GT(found->rev, m.id);
  EXPECT_FALSE(store().find_message(other.id, m.id).has_value());
  EXPECT_FALSE(store().find_message(room.id, m.id + 1000).has_value());
  // History pages show the same current state.
  EXPECT_EQ(store().messages_before(room.id, std::nullopt, 1).at(0).body, "hello again");
  EXPECT_EQ(store().messages_after(room.id, 0, 1).at(0).rev, found->rev);
}

TEST_P(StoreConformance, RoomOverviewShowsAMembersReading) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));

  auto fresh = store().room_overview(room.id, bob.id);
  ASSERT_TRUE(fresh.has_value() && fresh->reading.has_value());
  EXPECT_EQ(fresh->name, "general");
  EXPECT_EQ(fresh->member_count, 2);
  EXPECT_TRUE(fresh->joined);
  EXPECT_EQ(fresh->reading->read.room_id, room.id);
  EXPECT_EQ(fresh->reading->read.unread, 0);
  EXPECT_FALSE(fresh->reading->last_message.has_value());

  Message first = append(room, alice, "first");
  Message second = write(message(room, alice, "second @bob")).message;
  auto overview = store().room_overview(room.id, bob.id);
  ASSERT_TRUE(overview->reading.has_value());
  EXPECT_EQ(overview->reading->read.unread, 2);
  EXPECT_EQ(overview->reading->read.mentions, 1);
  EXPECT_EQ(overview->reading->read.last_read, 0);
  ASSERT_TRUE(overview->reading->last_message.has_value());
  EXPECT_EQ(overview->reading->last_message->id, second.id);
  EXPECT_EQ(overview->reading->last_message->username, "alice");
  EXPECT_EQ(overview->reading->last_message->mentions, (std::vector{bob.id}));

  // The newest message that is not deleted; none when all are.
  ASSERT_EQ(remove(room, alice, second.id).status, WriteStatus::changed);
  overview = store().room_overview(room.id, bob.id);
  EXPECT_EQ(overview->reading->last_message->id, first.id);
  EXPECT_EQ(overview->reading->read.unread, 1);
  EXPECT_EQ(overview->reading->read.mentions, 0);
  ASSERT_EQ(remove(room, alice, first.id).status, WriteStatus::changed);
  EXPECT_FALSE(store().room_overview(room.id, bob.id)->reading->last_message.has_value());

  // Not for a non-member, and nothing for a missing room.
  User carol = make_user("carol");
  auto outside = store().room_overview(room.id, carol.id);
  ASSERT_TRUE(outside.has_value());
  EXPECT_FALSE(outside->joined);
  EXPECT_FALSE(outside->reading.has_value());
  EXPECT_FALSE(store().room_overview(room.id + 1000, bob.id).has_value());
}

TEST_P(StoreConformance, ListRoomsShowsReadingForJoinedRoomsOnly) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room general = make_room("general", alice);
  Room secret = make_room("secret", alice, true);
  Room random = make_room("random", alice);
  ASSERT_TRUE(store().add_member(general.id, bob.id, kNow));
  ASSERT_TRUE(store().add_member(secret.id, bob.id, kNow));
  Message g1 = append(general, alice, "g1");
  Message g2 = append(general, alice, "g2 @bob");
  append(secret, alice, "s1");
  append(random, alice, "r1");
  Room dm = store().get_or_create_dm(bob, alice, kNow);
  Message d1 = append(dm, alice, "hi bob");
  ASSERT_EQ(read(general, bob, g1.id).status, WriteStatus::changed);

  auto rooms = store().list_rooms(bob.id);
  ASSERT_EQ(rooms.size(), 4u);
  EXPECT_EQ(rooms[0].id, general.id);
  ASSERT_TRUE(rooms[0].reading.has_value());
  EXPECT_EQ(rooms[0].reading->read.last_read, g1.id);
  EXPECT_EQ(rooms[0].reading->read.unread, 1);
  EXPECT_EQ(rooms[0].reading->read.mentions, 1);
  EXPECT_EQ(rooms[0].reading->last_message.value_or(Message{}).id, g2.id);
  EXPECT_EQ(rooms[1].id, secret.id);
  ASSERT_TRUE(rooms[1].reading.has_value());
  EXPECT_EQ(rooms[1].reading->read.unread, 1);
  EXPECT_EQ(rooms[2].id, random.id);
  EXPECT_FALSE(rooms[2].joined);
  EXPECT_FALSE(rooms[2].reading.has_value());
  EXPECT_EQ(rooms[3].id, dm.id);
  ASSERT_TRUE(rooms[3].reading.has_value());
  EXPECT_EQ(rooms[3].reading->read.unread, 1);
  EXPECT_EQ(rooms[3].reading->last_message.value_or(Message{}).id, d1.id);

  // The same numbers as the single-room overview and read_state.
  for (const Room& listed : rooms) {
    if (!listed.reading) continue;
    auto single = store().room_overview(listed.id, bob.id);
    EXPECT_EQ(single->reading->read.unread, listed.reading->read.unread) << listed.name;
    EXPECT_EQ(single->reading->read.mentions, listed.reading->read.mentions) << listed.name;
    EXPECT_EQ(store().read_state(listed.id, bob.id).unread, listed.reading->read.unread);
  }
  // Alice's own messages are not unread for her.
  for (const Room& listed : store().list_rooms(alice.id))
    EXPECT_EQ(listed.reading.value_or(domain::RoomReading{}).read.unread, 0) << listed.name;
}

TEST_P(StoreConformance, MembersCarryTheirReadPositions) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  User carol = make_user("carol");
  Room room = make_room("general", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow + 1));
  ASSERT_TRUE(store().add_member(room.id, carol.id, kNow + 2));
  Message m1 = append(room, alice, "m1");
  Message m2 = append(room, alice, "m2");
  for (const Member& m : store().members(room.id)) EXPECT_EQ(m.last_read, 0) << m.username;

  ASSERT_EQ(read(room, bob, m2.id).status, WriteStatus::changed);
  ASSERT_EQ(read(room, carol, m1.id).status, WriteStatus::changed);
  ASSERT_EQ(read(room, carol, m1.id - 1).status, WriteStatus::unchanged);
  auto members = store().members(room.id);
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0].user_id, alice.id);
  EXPECT_EQ(members[0].last_read, 0);
  EXPECT_EQ(members[1].user_id, bob.id);
  EXPECT_EQ(members[1].last_read, m2.id);
  EXPECT_EQ(members[2].user_id, carol.id);
  EXPECT_EQ(members[2].last_read, m1.id);
}

}  // namespace parley::store::test

// Conformance of write_batch: every WriteStatus of every write type (send with reply_to, edit,
// delete, react, read), and what each leaves stored. Backends instantiate the suite (see
// store_conformance.hpp).
#include <string>
#include <vector>

#include "store_conformance.hpp"

namespace parley::store::test {

namespace {

std::string emoji_number(std::size_t i) {
  std::string out(":e");
  out += std::to_string(i);
  out += ':';
  return out;
}

}  // namespace

// --- send with reply_to ---

TEST_P(StoreConformance, ReplyJoinsTheThreadAndChangesTheParent) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  Message parent = append(room, alice, "parent");

  WriteResult first = reply(room, bob, "first reply", parent.id);
  ASSERT_EQ(first.status, WriteStatus::stored);
  EXPECT_EQ(first.message.reply_to, std::optional<std::int64_t>(parent.id));
  EXPECT_EQ(first.message.body, "first reply");
  EXPECT_EQ(first.message.username, "bob");
  ASSERT_TRUE(first.parent.has_value());
  EXPECT_EQ(first.parent->id, parent.id);
  EXPECT_EQ(first.parent->reply_count, 1);
  EXPECT_EQ(first.parent->last_reply_at_ms, std::optional<std::int64_t>(kNow));
  EXPECT_GT(first.parent->rev, first.message.id);
  EXPECT_FALSE(first.parent->reply_to.has_value());

  // A reply to a reply replies to the thread's first message: threads are one level deep.
  NewMessage nested = message(room, alice, "reply to the reply");
  nested.reply_to = first.message.id;
  WriteResult second = write(nested, kNow + 5);
  ASSERT_EQ(second.status, WriteStatus::stored);
  EXPECT_EQ(second.message.reply_to, std::optional<std::int64_t>(parent.id));
  ASSERT_TRUE(second.parent.has_value());
  EXPECT_EQ(second.parent->id, parent.id);
  EXPECT_EQ(second.parent->reply_count, 2);
  EXPECT_EQ(second.parent->last_reply_at_ms, std::optional<std::int64_t>(kNow + 5));
  EXPECT_GT(second.parent->rev, second.message.id);

  // The reply named is not changed; the stored parent is what the result said.
  EXPECT_EQ(current(room, first.message.id).reply_count, 0);
  EXPECT_EQ(current(room, first.message.id).rev, 0);
  Message stored_parent = current(room, parent.id);
  EXPECT_EQ(stored_parent.reply_count, 2);
  EXPECT_EQ(stored_parent.rev, second.parent->rev);
  EXPECT_EQ(current(room, second.message.id).reply_to, std::optional<std::int64_t>(parent.id));
}

TEST_P(StoreConformance, ReplyToAMissingDeletedOrForeignMessageIsInvalid) {
  User alice = make_user("alice");
  Room room = make_room("general", alice);
  Room other = make_room("other", alice);
  Message parent = append(room, alice, "parent");
  Message foreign = append(other, alice, "elsewhere");
  WriteResult child = reply(room, alice, "child", parent.id);
  ASSERT_EQ(child.status, WriteStatus::stored);
  Message doomed = append(room, alice, "doomed");
  ASSERT_EQ(remove(room, alice, doomed.id).status, WriteStatus::changed);
  const std::int64_t messages = store().count_messages();
  const std::int64_t parent_rev = current(room, parent.id).rev;

  for (std::int64_t target : {foreign.id, doomed.id, doomed.id + 1000}) {
    WriteResult r = reply(room, alice, "nope", target);
    EXPECT_EQ(r.status, WriteStatus::invalid) << target;
    EXPECT_NE(r.detail.find("reply_to"), std::string::npos) << r.detail;
  }
  // The reply named is alive but its thread's first message is deleted.
  ASSERT_EQ(remove(room, alice, parent.id).status, WriteStatus::changed);
  WriteResult orphan = reply(room, alice, "nope", child.message.id);
  EXPECT_EQ(orphan.status, WriteStatus::invalid);
  EXPECT_NE(orphan.detail.find("reply_to"), std::string::npos) << orphan.detail;

  EXPECT_EQ(store().count_messages(), messages);
  EXPECT_GT(current(room, parent.id).rev, parent_rev);  // the delete, nothing after it
  EXPECT_EQ(current(room, parent.id).reply_count, 1);
}

TEST_P(StoreConformance, RefusedSendsStoreNothing) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room open = make_room("open", alice);
  Room secret = make_room("secret", alice, true);
  Message parent = append(open, alice, "parent");

  NewMessage outsider = message(open, bob, "reply from outside");
  outsider.reply_to = parent.id;
  EXPECT_EQ(write(outsider).status, WriteStatus::not_member_public);
  EXPECT_EQ(write(message(secret, bob, "psst")).status, WriteStatus::not_member_private);
  EXPECT_EQ(write(NewMessage{open.id + 1000, alice.id, "void", {}, {}, {}}).status,
            WriteStatus::room_not_found);
  EXPECT_EQ(store().count_messages(), 1);
  EXPECT_EQ(current(open, parent.id).reply_count, 0);
  EXPECT_EQ(current(open, parent.id).rev, 0);
}

TEST_P(StoreConformance, RepeatedReplyIsADuplicateAndCountsOnce) {
  User alice = make_user("alice");
  Room room = make_room("general", alice);
  Message parent = append(room, alice, "parent");
  NewMessage in = message(room, alice, "reply", "c-1");
  in.reply_to = parent.id;
  WriteResult first = write(in);
  ASSERT_EQ(first.status, WriteStatus::stored);
  const std::int64_t rev = current(room, parent.id).rev;

  WriteResult again = write(in);
  EXPECT_EQ(again.status, WriteStatus::duplicate);
  EXPECT_EQ(again.message.id, first.message.id);
  EXPECT_FALSE(again.parent.has_value());
  EXPECT_TRUE(again.new_mentions.empty());
  EXPECT_EQ(current(room, parent.id).reply_count, 1);
  EXPECT_EQ(current(room, parent.id).rev, rev);
}

// --- edit ---

TEST_P(StoreConformance, AuthorEditsBodyAndMeta) {
  User alice = make_user("alice");
  Room room = make_room("general", alice);
  NewMessage in = message(room, alice, "first", "c-1");
  in.meta_json = R"({"k":1})";
  Message m = write(in).message;

  WriteResult body_only = edit(room, alice, m.id, "second", std::nullopt, kNow + 10);
  ASSERT_EQ(body_only.status, WriteStatus::changed);
  EXPECT_EQ(body_only.message.body, "second");
  EXPECT_EQ(body_only.message.meta_json, std::optional<std::string>(R"({"k":1})"));  // kept
  EXPECT_EQ(body_only.message.edited_at_ms, std::optional<std::int64_t>(kNow + 10));
  EXPECT_GT(body_only.message.rev, m.id);
  EXPECT_EQ(body_only.message.ts_ms, kNow);
  EXPECT_EQ(body_only.message.client_id, std::optional<std::string>("c-1"));
  EXPECT_EQ(body_only.message.username, "alice");

  WriteResult meta_only = edit(room, alice, m.id, "second", R"({"k":2})", kNow + 20);
  ASSERT_EQ(meta_only.status, WriteStatus::changed);
  EXPECT_EQ(meta_only.message.meta_json, std::optional<std::string>(R"({"k":2})"));
  EXPECT_EQ(meta_only.message.edited_at_ms, std::optional<std::int64_t>(kNow + 20));
  EXPECT_GT(meta_only.message.rev, body_only.message.rev);

  Message stored = current(room, m.id);
  EXPECT_EQ(stored.body, "second");
  EXPECT_EQ(stored.meta_json, meta_only.message.meta_json);
  EXPECT_EQ(stored.rev, meta_only.message.rev);
  EXPECT_EQ(stored.edited_at_ms, meta_only.message.edited_at_ms);
}

TEST_P(StoreConformance, EditThatChangesNothingIsUnchanged) {
  User alice = make_user("alice");
  Room room = make_room("general", alice);
  NewMessage in = message(room, alice, "same");
  in.meta_json = R"({"k":1})";
  Message m = write(in).message;
  ASSERT_EQ(edit(room, alice, m.id, "edited").status, WriteStatus::changed);
  const Message before = current(room, m.id);

  for (auto meta : {std::optional<std::string>(), std::optional<std::string>(R"({"k":1})")}) {
    WriteResult r = edit(room, alice, m.id, "edited", meta, kNow + 99);
    EXPECT_EQ(r.status, WriteStatus::unchanged);
    EXPECT_EQ(r.message.id, m.id);
    EXPECT_EQ(r.message.rev, before.rev);
    EXPECT_EQ(r.message.body, "edited");
    EXPECT_TRUE(r.new_mentions.empty());
  }
  Message after = current(room, m.id);
  EXPECT_EQ(after.rev, before.rev);
  EXPECT_EQ(after.edited_at_ms, before.edited_at_ms);
}

TEST_P(StoreConformance, OnlyTheAuthorEditsALiveMessageOfTheRoom) {
  User alice = make_user("alice");  // the first user: admin, and the room's owner
  User bob = make_user("bob");
  User carol = make_user("carol");
  Room room = make_room("general", alice);
  Room other = make_room("other", alice);
  Room secret = make_room("secret", alice, true);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  Message bobs = append(room, bob, "bob's");
  Message elsewhere = append(other, alice, "elsewhere");
  Message hidden = append(secret, alice, "hidden");

  // Neither the owner nor an admin may edit someone else's message.
  WriteResult by_owner = edit(room, alice, bobs.id, "hijacked");
  EXPECT_EQ(by_owner.status, WriteStatus::forbidden);
  EXPECT_FALSE(by_owner.detail.empty());
  EXPECT_EQ(edit(room, carol, bobs.id, "outsider").status, WriteStatus::not_member_public);
  EXPECT_EQ(edit(secret, bob, hidden.id, "outsider").status, WriteStatus::not_member_private);
  EXPECT_EQ(edit(room, alice, elsewhere.id, "wrong room").status, WriteStatus::message_not_found);
  EXPECT_EQ(edit(room, bob, bobs.id + 1000, "missing").status, WriteStatus::message_not_found);
  Room missing{};
  missing.id = room.id + 1000;
  EXPECT_EQ(edit(missing, bob, bobs.id, "no room").status, WriteStatus::room_not_found);

  ASSERT_EQ(remove(room, bob, bobs.id).status, WriteStatus::changed);
  const std::int64_t deleted_rev = current(room, bobs.id).rev;
  WriteResult of_deleted = edit(room, bob, bobs.id, "resurrect");
  EXPECT_EQ(of_deleted.status, WriteStatus::conflict);
  EXPECT_FALSE(of_deleted.detail.empty());

  EXPECT_EQ(current(room, bobs.id).body, "");
  EXPECT_EQ(current(room, bobs.id).rev, deleted_rev);
  EXPECT_EQ(current(other, elsewhere.id).body, "elsewhere");
  EXPECT_EQ(current(other, elsewhere.id).rev, 0);
  EXPECT_EQ(current(secret, hidden.id).body, "hidden");
}

// --- delete ---

TEST_P(StoreConformance, DeletionLeavesATombstone) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  Message parent = append(room, alice, "parent");
  NewMessage in = message(room, bob, "hi @alice", "c-9");
  in.meta_json = R"({"k":1})";
  in.reply_to = parent.id;
  Message m = write(in, kNow + 1).message;
  ASSERT_EQ(edit(room, bob, m.id, "hi @alice, edited").status, WriteStatus::changed);
  ASSERT_EQ(react(room, alice, m.id, "👍").status, WriteStatus::changed);
  ASSERT_FALSE(current(room, m.id).mentions.empty());

  WriteResult r = remove(room, bob, m.id);
  ASSERT_EQ(r.status, WriteStatus::changed);
  for (const Message& t : {r.message, current(room, m.id)}) {
    EXPECT_TRUE(t.deleted);
    EXPECT_EQ(t.body, "");
    EXPECT_FALSE(t.meta_json.has_value());
    EXPECT_FALSE(t.reactions_json.has_value());
    EXPECT_TRUE(t.mentions.empty());
    EXPECT_FALSE(t.edited_at_ms.has_value());
    EXPECT_EQ(t.id, m.id);
    EXPECT_EQ(t.user_id, bob.id);
    EXPECT_EQ(t.username, "bob");
    EXPECT_EQ(t.ts_ms, kNow + 1);
    EXPECT_EQ(t.client_id, std::optional<std::string>("c-9"));
    EXPECT_EQ(t.reply_to, std::optional<std::int64_t>(parent.id));
  }
  // The parent keeps counting its deleted reply.
  EXPECT_EQ(current(room, parent.id).reply_count, 1);
  // The idempotency key still names the tombstone.
  WriteResult retry = write(in);
  EXPECT_EQ(retry.status, WriteStatus::duplicate);
  EXPECT_EQ(retry.message.id, m.id);
  EXPECT_TRUE(retry.message.deleted);
}

TEST_P(StoreConformance, AuthorOwnerAndAdminDeleteOthersDoNot) {
  User admin = make_user("admin");  // the first user
  User owner = make_user("owner");
  User bob = make_user("bob");
  User carol = make_user("carol");
  ASSERT_EQ(admin.role, "admin");
  Room room = make_room("general", owner);
  for (const User& u : {admin, bob, carol}) ASSERT_TRUE(store().add_member(room.id, u.id, kNow));
  Message by_author = append(room, bob, "deleted by its author");
  Message by_owner = append(room, bob, "deleted by the owner");
  Message by_admin = append(room, bob, "deleted by an admin");
  Message kept = append(room, bob, "kept");

  EXPECT_EQ(remove(room, bob, by_author.id).status, WriteStatus::changed);
  EXPECT_EQ(remove(room, owner, by_owner.id).status, WriteStatus::changed);
  EXPECT_EQ(remove(room, admin, by_admin.id).status, WriteStatus::changed);
  WriteResult refused = remove(room, carol, kept.id);
  EXPECT_EQ(refused.status, WriteStatus::forbidden);
  EXPECT_FALSE(refused.detail.empty());
  EXPECT_EQ(current(room, kept.id).body, "kept");
  EXPECT_FALSE(current(room, kept.id).deleted);
  EXPECT_EQ(current(room, kept.id).rev, 0);
  for (auto id : {by_author.id, by_owner.id, by_admin.id}) EXPECT_TRUE(current(room, id).deleted);
}

TEST_P(StoreConformance, DeletingTwiceIsUnchangedAndMissingMessagesAreNotFound) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  Room other = make_room("other", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  Message m = append(room, alice, "once");
  Message elsewhere = append(other, alice, "elsewhere");
  WriteResult first = remove(room, alice, m.id);
  ASSERT_EQ(first.status, WriteStatus::changed);

  WriteResult second = remove(room, alice, m.id);
  EXPECT_EQ(second.status, WriteStatus::unchanged);
  EXPECT_EQ(second.message.rev, first.message.rev);
  EXPECT_TRUE(second.message.deleted);
  EXPECT_EQ(current(room, m.id).rev, first.message.rev);
  // Someone who could not have deleted it is still refused.
  EXPECT_EQ(remove(room, bob, m.id).status, WriteStatus::forbidden);
  EXPECT_EQ(remove(room, alice, m.id + 1000).status, WriteStatus::message_not_found);
  EXPECT_EQ(remove(room, alice, elsewhere.id).status, WriteStatus::message_not_found);
  EXPECT_FALSE(current(other, elsewhere.id).deleted);
}

// --- react ---

TEST_P(StoreConformance, ReactionsGoOnAndOffOnce) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  Message m = append(room, alice, "react to me");
  const std::string thumbs = "👍";

  WriteResult on = react(room, bob, m.id, thumbs);
  ASSERT_EQ(on.status, WriteStatus::changed);
  EXPECT_GT(on.message.rev, m.id);
  const std::string bob_only =
      R"([{"emoji":"👍","count":1,"users":[)" + std::to_string(bob.id) + "]}]";
  EXPECT_EQ(on.message.reactions_json, std::optional<std::string>(bob_only));

  WriteResult again = react(room, bob, m.id, thumbs);
  EXPECT_EQ(again.status, WriteStatus::unchanged);
  EXPECT_EQ(again.message.rev, on.message.rev);
  EXPECT_EQ(again.message.reactions_json, on.message.reactions_json);

  WriteResult alice_too = react(room, alice, m.id, thumbs);
  ASSERT_EQ(alice_too.status, WriteStatus::changed);
  EXPECT_EQ(
      alice_too.message.reactions_json,
      std::optional<std::string>(R"([{"emoji":"👍","count":2,"users":[)" + std::to_string(bob.id) +
                                 "," + std::to_string(alice.id) + "]}]"));

  WriteResult off = react(room, alice, m.id, thumbs, false);
  ASSERT_EQ(off.status, WriteStatus::changed);
  EXPECT_GT(off.message.rev, alice_too.message.rev);
  EXPECT_EQ(off.message.reactions_json, std::optional<std::string>(bob_only));
  WriteResult off_again = react(room, alice, m.id, thumbs, false);
  EXPECT_EQ(off_again.status, WriteStatus::unchanged);
  EXPECT_EQ(off_again.message.rev, off.message.rev);
  // Never there at all is no change either.
  EXPECT_EQ(react(room, alice, m.id, "🎉", false).status, WriteStatus::unchanged);

  ASSERT_EQ(react(room, bob, m.id, thumbs, false).status, WriteStatus::changed);
  EXPECT_FALSE(current(room, m.id).reactions_json.has_value());  // none left: absent
  EXPECT_EQ(current(room, m.id).body, "react to me");
}

TEST_P(StoreConformance, AMessageHoldsAtMostTwentyDistinctEmoji) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  Message m = append(room, alice, "popular");
  for (std::size_t i = 0; i < 20; ++i)
    ASSERT_EQ(react(room, alice, m.id, emoji_number(i)).status, WriteStatus::changed) << i;
  const Message full = current(room, m.id);

  WriteResult refused = react(room, bob, m.id, emoji_number(20));
  EXPECT_EQ(refused.status, WriteStatus::invalid);
  EXPECT_NE(refused.detail.find("emoji"), std::string::npos) << refused.detail;
  EXPECT_EQ(current(room, m.id).rev, full.rev);
  EXPECT_EQ(current(room, m.id).reactions_json, full.reactions_json);
  // One of the twenty can still gain users, and a freed slot takes a new emoji.
  EXPECT_EQ(react(room, bob, m.id, emoji_number(3)).status, WriteStatus::changed);
  ASSERT_EQ(react(room, alice, m.id, emoji_number(7), false).status, WriteStatus::changed);
  EXPECT_EQ(react(room, bob, m.id, emoji_number(20)).status, WriteStatus::changed);
  EXPECT_EQ(react(room, bob, m.id, emoji_number(21)).status, WriteStatus::invalid);
}

TEST_P(StoreConformance, ReactionsNeedALiveMessageOfTheRoomAndAMember) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  Room other = make_room("other", alice);
  Message m = append(room, alice, "reacted");
  Message elsewhere = append(other, alice, "elsewhere");
  ASSERT_EQ(react(room, alice, m.id, "👍").status, WriteStatus::changed);

  EXPECT_EQ(react(room, bob, m.id, "👍").status, WriteStatus::not_member_public);
  EXPECT_EQ(react(room, alice, elsewhere.id, "👍").status, WriteStatus::message_not_found);
  EXPECT_EQ(react(room, alice, m.id + 1000, "👍").status, WriteStatus::message_not_found);
  ASSERT_EQ(remove(room, alice, m.id).status, WriteStatus::changed);
  const std::int64_t rev = current(room, m.id).rev;
  for (bool on : {true, false}) {
    WriteResult r = react(room, alice, m.id, "👍", on);
    EXPECT_EQ(r.status, WriteStatus::conflict) << on;
    EXPECT_FALSE(r.detail.empty());
  }
  EXPECT_EQ(current(room, m.id).rev, rev);
  EXPECT_FALSE(current(room, m.id).reactions_json.has_value());
  EXPECT_FALSE(current(other, elsewhere.id).reactions_json.has_value());
}

// --- read ---

TEST_P(StoreConformance, ReadPositionsMoveForwardOnlyAndAreClamped) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  Room other = make_room("other", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  std::vector<Message> ms;
  for (int i = 0; i < 4; ++i) ms.push_back(append(room, alice, "m"));
  Message later_elsewhere = append(other, alice, "a larger id in another room");

  WriteResult first = read(room, bob, ms[2].id);
  ASSERT_EQ(first.status, WriteStatus::changed);
  EXPECT_EQ(first.read.room_id, room.id);
  EXPECT_EQ(first.read.last_read, ms[2].id);
  EXPECT_EQ(first.read.unread, 1);
  EXPECT_EQ(first.member_count, 2);

  WriteResult behind = read(room, bob, ms[0].id);
  EXPECT_EQ(behind.status, WriteStatus::unchanged);
  EXPECT_EQ(behind.read.last_read, ms[2].id);
  EXPECT_EQ(behind.read.unread, 1);
  EXPECT_EQ(behind.member_count, 2);
  EXPECT_EQ(read(room, bob, ms[2].id).status, WriteStatus::unchanged);

  // Beyond the room's newest message: clamped to it, whatever other rooms hold.
  WriteResult beyond = read(room, bob, later_elsewhere.id + 1'000'000);
  ASSERT_EQ(beyond.status, WriteStatus::changed);
  EXPECT_EQ(beyond.read.last_read, ms[3].id);
  EXPECT_EQ(beyond.read.unread, 0);
  EXPECT_EQ(read(room, bob, later_elsewhere.id + 1'000'000).status, WriteStatus::unchanged);
  EXPECT_EQ(store().read_state(room.id, bob.id).last_read, ms[3].id);
  EXPECT_EQ(store().read_state(other.id, bob.id).last_read, 0);
}

TEST_P(StoreConformance, ReadingAnEmptyRoomChangesNothing) {
  User alice = make_user("alice");
  Room empty = make_room("empty", alice);
  Room busy = make_room("busy", alice);
  append(busy, alice, "elsewhere");
  WriteResult r = read(empty, alice, 1'000);
  EXPECT_EQ(r.status, WriteStatus::unchanged);
  EXPECT_EQ(r.read.room_id, empty.id);
  EXPECT_EQ(r.read.last_read, 0);
  EXPECT_EQ(r.read.unread, 0);
  EXPECT_EQ(r.read.mentions, 0);
  EXPECT_EQ(r.member_count, 1);
  // The first message after that is unread like any other.
  User bob = make_user("bob");
  ASSERT_TRUE(store().add_member(empty.id, bob.id, kNow));
  append(empty, bob, "first");
  EXPECT_EQ(unread(empty, alice), 1);
}

TEST_P(StoreConformance, ReadingNeedsAMemberOfAnExistingRoom) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room open = make_room("open", alice);
  Room secret = make_room("secret", alice, true);
  append(open, alice, "m");
  append(secret, alice, "m");
  EXPECT_EQ(read(open, bob, 1'000).status, WriteStatus::not_member_public);
  EXPECT_EQ(read(secret, bob, 1'000).status, WriteStatus::not_member_private);
  Room missing{};
  missing.id = secret.id + 1000;
  EXPECT_EQ(read(missing, alice, 1'000).status, WriteStatus::room_not_found);
  EXPECT_EQ(store().read_state(open.id, bob.id).last_read, 0);
}

// --- one batch, many kinds ---

TEST_P(StoreConformance, OneBatchMixesEveryWriteInOrder) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  Message base = append(room, alice, "base");

  // Later writes in the batch see the earlier ones: the edit, reaction and reply name the
  // message the batch's first send stores (the next id).
  const std::int64_t next = base.id + 1;
  std::vector<Write> batch;
  batch.push_back(message(room, bob, "sent in the batch", "c-1"));
  batch.push_back(EditMessage{room.id, next, bob.id, "edited in the batch", false, std::nullopt});
  batch.push_back(ReactMessage{room.id, next, alice.id, "👍", true});
  NewMessage in_thread = message(room, alice, "a reply in the batch");
  in_thread.reply_to = next;
  batch.push_back(in_thread);
  batch.push_back(message(room, bob, "retried", "c-1"));
  batch.push_back(DeleteMessage{room.id, base.id, alice.id});
  batch.push_back(EditMessage{room.id, base.id, alice.id, "too late", false, std::nullopt});
  batch.push_back(MarkRead{room.id, alice.id, 1'000'000});
  auto results = store().write_batch(batch, kNow);
  ASSERT_EQ(results.size(), batch.size());
  EXPECT_EQ(results[0].status, WriteStatus::stored);
  EXPECT_EQ(results[0].message.id, next);
  EXPECT_EQ(results[1].status, WriteStatus::changed);
  EXPECT_EQ(results[2].status, WriteStatus::changed);
  EXPECT_EQ(results[3].status, WriteStatus::stored);
  EXPECT_EQ(results[4].status, WriteStatus::duplicate);
  EXPECT_EQ(results[4].message.id, next);
  EXPECT_EQ(results[5].status, WriteStatus::changed);
  EXPECT_EQ(results[6].status, WriteStatus::conflict);
  EXPECT_EQ(results[7].status, WriteStatus::changed);

  // Positions follow the batch: the send, the edit, the reaction, the reply and its parent, the
  // deletion.
  std::vector<std::int64_t> positions = {results[0].message.id,
                                         results[1].message.rev,
                                         results[2].message.rev,
                                         results[3].message.id,
                                         results[3].parent.value_or(Message{}).rev,
                                         results[5].message.rev};
  for (std::size_t i = 1; i < positions.size(); ++i) EXPECT_GT(positions[i], positions[i - 1]) << i;
  Message stored = current(room, next);
  EXPECT_EQ(stored.body, "edited in the batch");
  EXPECT_EQ(stored.reply_count, 1);
  EXPECT_TRUE(stored.reactions_json.has_value());
  EXPECT_EQ(stored.rev, positions[4]);
  EXPECT_EQ(results[7].read.last_read, results[3].message.id);
  EXPECT_EQ(results[7].read.unread, 0);
}

}  // namespace parley::store::test

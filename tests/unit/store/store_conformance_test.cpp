// The conformance tests themselves; backends instantiate them (see store_conformance.hpp).
#include <algorithm>
#include <array>
#include <thread>
#include <vector>

#include "store_conformance.hpp"

namespace parley::store::test {

namespace {

std::vector<std::int64_t> ids_of(const std::vector<Message>& messages) {
  std::vector<std::int64_t> ids;
  for (const auto& m : messages) ids.push_back(m.id);
  return ids;
}

// "m3": written out to dodge GCC 12's false -Wrestrict on `"m" + std::to_string(i)`.
std::string label(const char* prefix, std::size_t i) {
  std::string out(prefix);
  out += std::to_string(i);
  return out;
}

std::vector<std::int64_t> room_ids(const std::vector<Room>& rooms) {
  std::vector<std::int64_t> ids;
  for (const auto& r : rooms) ids.push_back(r.id);
  return ids;
}

}  // namespace

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreConformance);

TEST_P(StoreConformance, PingsAndStartsEmpty) {
  EXPECT_TRUE(store().ping());
  EXPECT_EQ(store().count_users(), 0);
  EXPECT_EQ(store().count_rooms(), 0);
  EXPECT_EQ(store().count_messages(), 0);
}

// --- users ---

TEST_P(StoreConformance, FirstUserIsAdminLaterOnesAreUsers) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  EXPECT_EQ(alice.role, "admin");
  EXPECT_EQ(bob.role, "user");
  EXPECT_NE(alice.id, bob.id);
  EXPECT_GT(alice.id, 0);
  EXPECT_EQ(alice.created_at_ms, kNow);
  EXPECT_EQ(store().count_users(), 2);
}

TEST_P(StoreConformance, ConcurrentFirstUsersYieldExactlyOneAdmin) {
  std::array<std::optional<User>, 8> users;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < users.size(); ++i) {
    threads.emplace_back(
        [&, i] { users[i] = store().create_user(label("user", i), "hash", kNow); });
  }
  for (auto& t : threads) t.join();
  int admins = 0;
  for (const auto& user : users) {
    ASSERT_TRUE(user.has_value());
    if (user->role == "admin") ++admins;
  }
  EXPECT_EQ(admins, 1);
}

TEST_P(StoreConformance, UsernamesAreUniqueCaseInsensitively) {
  User alice = make_user("Alice");
  EXPECT_FALSE(store().create_user("alice", "other", kNow).has_value());
  EXPECT_FALSE(store().create_user("ALICE", "other", kNow).has_value());

  auto found = store().find_user_by_name("aLiCe");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, alice.id);
  EXPECT_EQ(found->username, "Alice");  // stored as registered

  auto credentials = store().find_credentials("ALICE");
  ASSERT_TRUE(credentials.has_value());
  EXPECT_EQ(credentials->user.id, alice.id);
  EXPECT_EQ(credentials->password_hash, "hash-Alice");

  EXPECT_FALSE(store().find_user_by_name("bob").has_value());
  EXPECT_FALSE(store().find_credentials("bob").has_value());
}

TEST_P(StoreConformance, FindsUsersAndSetsRoles) {
  make_user("alice");
  User bob = make_user("bob");
  auto found = store().find_user(bob.id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->username, "bob");
  EXPECT_EQ(found->role, "user");
  EXPECT_FALSE(store().find_user(bob.id + 1000).has_value());

  EXPECT_TRUE(store().set_role(bob.id, "admin"));
  EXPECT_EQ(store().find_user(bob.id)->role, "admin");
  EXPECT_TRUE(store().set_role(bob.id, "user"));
  EXPECT_EQ(store().find_user_by_name("BOB")->role, "user");
  EXPECT_FALSE(store().set_role(bob.id + 1000, "admin"));
}

// --- refresh tokens ---

TEST_P(StoreConformance, RefreshTokenRotates) {
  User alice = make_user("alice");
  store().insert_refresh_token("t1", alice.id, "fam", kNow + 1000);
  auto rotated = store().rotate_refresh_token("t1", "t2", kNow, kNow + 2000);
  EXPECT_EQ(rotated.status, RotateStatus::rotated);
  EXPECT_EQ(rotated.user_id, alice.id);
  // The new token is live and rotates in turn.
  auto again = store().rotate_refresh_token("t2", "t3", kNow + 1500, kNow + 3000);
  EXPECT_EQ(again.status, RotateStatus::rotated);
  EXPECT_EQ(again.user_id, alice.id);
}

TEST_P(StoreConformance, ReusedRefreshTokenRevokesItsFamily) {
  User alice = make_user("alice");
  store().insert_refresh_token("t1", alice.id, "fam", kNow + 1000);
  store().insert_refresh_token("other", alice.id, "other-fam", kNow + 1000);
  ASSERT_EQ(store().rotate_refresh_token("t1", "t2", kNow, kNow + 1000).status,
            RotateStatus::rotated);

  auto reused = store().rotate_refresh_token("t1", "t3", kNow, kNow + 1000);
  EXPECT_EQ(reused.status, RotateStatus::reused);
  EXPECT_EQ(reused.user_id, alice.id);
  // The live descendant died with its family; another family is untouched.
  EXPECT_EQ(store().rotate_refresh_token("t2", "t4", kNow, kNow + 1000).status,
            RotateStatus::unknown);
  EXPECT_EQ(store().rotate_refresh_token("t3", "t5", kNow, kNow + 1000).status,
            RotateStatus::unknown);
  EXPECT_EQ(store().rotate_refresh_token("other", "o2", kNow, kNow + 1000).status,
            RotateStatus::rotated);
}

TEST_P(StoreConformance, UnknownAndExpiredRefreshTokensAreRejected) {
  User alice = make_user("alice");
  EXPECT_EQ(store().rotate_refresh_token("nope", "t2", kNow, kNow + 1000).status,
            RotateStatus::unknown);
  store().insert_refresh_token("t1", alice.id, "fam", kNow + 1000);
  EXPECT_EQ(store().rotate_refresh_token("t1", "t2", kNow + 1000, kNow + 2000).status,
            RotateStatus::unknown);  // expired exactly at expires_at
  EXPECT_EQ(store().rotate_refresh_token("t2", "t3", kNow, kNow + 2000).status,
            RotateStatus::unknown);  // the failed rotation stored nothing
  EXPECT_EQ(store().rotate_refresh_token("t1", "t2", kNow + 999, kNow + 2000).status,
            RotateStatus::rotated);  // still live a millisecond earlier
}

TEST_P(StoreConformance, LogoutRevokesTheFamily) {
  User alice = make_user("alice");
  store().insert_refresh_token("t1", alice.id, "fam", kNow + 1000);
  ASSERT_EQ(store().rotate_refresh_token("t1", "t2", kNow, kNow + 1000).status,
            RotateStatus::rotated);
  auto ended = store().revoke_refresh_token("t2", kNow);
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->user_id, alice.id);
  EXPECT_EQ(ended->id, 0);  // a family of no session (no store call made one)
  EXPECT_EQ(store().rotate_refresh_token("t2", "t3", kNow, kNow + 1000).status,
            RotateStatus::unknown);
  EXPECT_FALSE(store().revoke_refresh_token("never-issued", kNow));  // no-op
}

// --- rooms ---

TEST_P(StoreConformance, CreatesRoomsWithUniqueCaseInsensitiveNames) {
  User alice = make_user("alice");
  auto room = store().create_room("General", false, alice.id, std::nullopt, kNow);
  ASSERT_TRUE(room.has_value());
  EXPECT_EQ(room->name, "General");
  EXPECT_FALSE(room->is_private);
  EXPECT_FALSE(room->is_dm);
  EXPECT_EQ(room->owner_id, alice.id);
  EXPECT_EQ(room->created_at_ms, kNow);
  EXPECT_EQ(room->member_count, 1);
  EXPECT_TRUE(room->joined);
  EXPECT_TRUE(store().is_member(room->id, alice.id));

  EXPECT_FALSE(store().create_room("general", true, alice.id, std::nullopt, kNow).has_value());
  EXPECT_FALSE(store().create_room("GENERAL", false, alice.id, std::nullopt, kNow).has_value());
  EXPECT_EQ(store().count_rooms(), 1);
  // Beyond ASCII too.
  ASSERT_TRUE(store().create_room("Café Ωμέγα", false, alice.id, std::nullopt, kNow));
  EXPECT_FALSE(store().create_room("CAFÉ ΩΜΈΓΑ", false, alice.id, std::nullopt, kNow));
  ASSERT_TRUE(store().create_room("привет", false, alice.id, std::nullopt, kNow));
  EXPECT_FALSE(store().create_room("ПРИВЕТ", false, alice.id, std::nullopt, kNow));
}

TEST_P(StoreConformance, FindRoomComputesJoinedAndMemberCount) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);

  auto for_bob = store().find_room(room.id, bob.id);
  ASSERT_TRUE(for_bob.has_value());
  EXPECT_FALSE(for_bob->joined);
  EXPECT_EQ(for_bob->member_count, 1);
  EXPECT_EQ(for_bob->name, "general");

  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  for_bob = store().find_room(room.id, bob.id);
  EXPECT_TRUE(for_bob->joined);
  EXPECT_EQ(for_bob->member_count, 2);
  EXPECT_FALSE(store().find_room(room.id + 1000, bob.id).has_value());
}

TEST_P(StoreConformance, ListsPublicRoomsAndJoinedPrivateOnes) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room general = make_room("general", alice);
  Room secret = make_room("secret", alice, true);
  Room random = make_room("random", bob);

  auto for_alice = store().list_rooms(alice.id);
  EXPECT_EQ(room_ids(for_alice), (std::vector{general.id, secret.id, random.id}));
  EXPECT_TRUE(for_alice[0].joined);
  EXPECT_TRUE(for_alice[1].joined);
  EXPECT_TRUE(for_alice[1].is_private);
  EXPECT_FALSE(for_alice[2].joined);

  auto for_bob = store().list_rooms(bob.id);
  EXPECT_EQ(room_ids(for_bob), (std::vector{general.id, random.id}));
  EXPECT_FALSE(for_bob[0].joined);
  EXPECT_EQ(for_bob[0].member_count, 1);
  EXPECT_TRUE(for_bob[1].joined);

  ASSERT_TRUE(store().add_member(secret.id, bob.id, kNow));
  for_bob = store().list_rooms(bob.id);
  EXPECT_EQ(room_ids(for_bob), (std::vector{general.id, secret.id, random.id}));
  EXPECT_TRUE(for_bob[1].joined);
  EXPECT_EQ(for_bob[1].member_count, 2);
}

TEST_P(StoreConformance, ReturnsAccessCodeHashes) {
  User alice = make_user("alice");
  auto locked = store().create_room("locked", true, alice.id, std::string("code-hash"), kNow);
  ASSERT_TRUE(locked.has_value());
  Room open = make_room("open", alice, true);
  EXPECT_EQ(store().access_code_hash(locked->id), std::optional<std::string>("code-hash"));
  EXPECT_FALSE(store().access_code_hash(open.id).has_value());
  EXPECT_FALSE(store().access_code_hash(locked->id + 1000).has_value());
}

TEST_P(StoreConformance, AddsRemovesAndListsMembers) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  User carol = make_user("carol");
  Room room = make_room("general", alice);

  EXPECT_TRUE(store().add_member(room.id, bob.id, kNow + 1));
  EXPECT_FALSE(store().add_member(room.id, bob.id, kNow + 2));  // already in
  EXPECT_TRUE(store().add_member(room.id, carol.id, kNow + 3));
  EXPECT_TRUE(store().is_member(room.id, bob.id));
  EXPECT_FALSE(store().add_member(room.id + 1000, bob.id, kNow));  // no such room

  auto members = store().members(room.id);
  ASSERT_EQ(members.size(), 3u);
  std::sort(members.begin(), members.end(),
            [](const Member& a, const Member& b) { return a.user_id < b.user_id; });
  EXPECT_EQ(members[0].user_id, alice.id);
  EXPECT_EQ(members[0].username, "alice");
  EXPECT_TRUE(members[0].is_owner);
  EXPECT_EQ(members[1].username, "bob");
  EXPECT_FALSE(members[1].is_owner);
  EXPECT_FALSE(members[2].is_owner);
  EXPECT_EQ(store().find_room(room.id, alice.id)->member_count, 3);

  EXPECT_TRUE(store().remove_member(room.id, bob.id));
  EXPECT_FALSE(store().remove_member(room.id, bob.id));
  EXPECT_FALSE(store().is_member(room.id, bob.id));
  EXPECT_EQ(store().members(room.id).size(), 2u);
  EXPECT_EQ(store().find_room(room.id, alice.id)->member_count, 2);
  EXPECT_TRUE(store().members(room.id + 1000).empty());
}

TEST_P(StoreConformance, DeletingARoomDeletesMembersAndMessages) {
  User alice = make_user("alice");
  Room doomed = make_room("doomed", alice);
  Room kept = make_room("kept", alice);
  append(doomed, alice, "one");
  append(doomed, alice, "two");
  Message survivor = append(kept, alice, "three");

  EXPECT_TRUE(store().delete_room(doomed.id));
  EXPECT_FALSE(store().delete_room(doomed.id));
  EXPECT_FALSE(store().find_room(doomed.id, alice.id).has_value());
  EXPECT_FALSE(store().is_member(doomed.id, alice.id));
  EXPECT_TRUE(store().members(doomed.id).empty());
  EXPECT_TRUE(store().messages_before(doomed.id, std::nullopt, 50).empty());
  EXPECT_EQ(store().count_messages(), 1);
  EXPECT_EQ(store().count_rooms(), 1);
  EXPECT_EQ(ids_of(store().messages_before(kept.id, std::nullopt, 50)), (std::vector{survivor.id}));
  // The name is free again.
  EXPECT_TRUE(store().create_room("DOOMED", false, alice.id, std::nullopt, kNow).has_value());
}

TEST_P(StoreConformance, DirectMessageRoomIsTheSameFromBothSides) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  User carol = make_user("carol");

  Room first = store().get_or_create_dm(bob, alice, kNow);
  EXPECT_TRUE(first.is_dm);
  EXPECT_TRUE(first.is_private);
  EXPECT_EQ(first.name, "dm:alice,bob");  // lower id first
  EXPECT_EQ(first.owner_id, bob.id);
  EXPECT_EQ(first.member_count, 2);
  EXPECT_TRUE(first.joined);
  EXPECT_TRUE(store().is_member(first.id, alice.id));
  EXPECT_TRUE(store().is_member(first.id, bob.id));

  Room second = store().get_or_create_dm(alice, bob, kNow + 5);
  EXPECT_EQ(second.id, first.id);
  EXPECT_TRUE(second.joined);
  EXPECT_EQ(second.member_count, 2);
  EXPECT_EQ(store().count_rooms(), 1);

  Room other = store().get_or_create_dm(alice, carol, kNow);
  EXPECT_NE(other.id, first.id);
  EXPECT_EQ(room_ids(store().list_rooms(carol.id)), (std::vector{other.id}));
  EXPECT_FALSE(store().find_room(first.id, carol.id)->joined);
  // A DM does not take a room name.
  EXPECT_TRUE(store().create_room("dm:alice,bob", false, alice.id, std::nullopt, kNow));
}

// --- messages ---

TEST_P(StoreConformance, AppendReportsEachStatus) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room open = make_room("open", alice);
  Room secret = make_room("secret", alice, true);

  std::vector<NewMessage> batch = {message(open, alice, "hi"), message(open, bob, "intruder"),
                                   message(secret, bob, "psst"),
                                   NewMessage{secret.id + 1000, alice.id, "void", {}, {}, {}}};
  batch[0].meta_json = R"({"reply_to":1})";
  auto results = store().append_messages(batch, kNow + 7);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].status, AppendStatus::stored);
  EXPECT_EQ(results[1].status, AppendStatus::not_member_public);
  EXPECT_EQ(results[2].status, AppendStatus::not_member_private);
  EXPECT_EQ(results[3].status, AppendStatus::room_not_found);

  const Message& stored = results[0].message;
  EXPECT_GT(stored.id, 0);
  EXPECT_EQ(stored.room_id, open.id);
  EXPECT_EQ(stored.user_id, alice.id);
  EXPECT_EQ(stored.username, "alice");
  EXPECT_EQ(stored.body, "hi");
  EXPECT_EQ(stored.ts_ms, kNow + 7);
  EXPECT_FALSE(stored.client_id.has_value());
  EXPECT_EQ(stored.meta_json, std::optional<std::string>(R"({"reply_to":1})"));
  EXPECT_EQ(store().count_messages(), 1);

  auto read = store().messages_before(open.id, std::nullopt, 10);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].id, stored.id);
  EXPECT_EQ(read[0].username, "alice");
  EXPECT_EQ(read[0].ts_ms, kNow + 7);
  EXPECT_EQ(read[0].meta_json, stored.meta_json);
  EXPECT_TRUE(store().append_messages({}, kNow).empty());
}

TEST_P(StoreConformance, AppendDeduplicatesOnRoomSenderAndClientId) {
  User alice = make_user("alice");
  User bob = make_user("bob");
  Room room = make_room("general", alice);
  Room other = make_room("other", alice);
  ASSERT_TRUE(store().add_member(room.id, bob.id, kNow));
  Message original = append(room, alice, "first", "c-1");
  EXPECT_EQ(original.client_id, std::optional<std::string>("c-1"));

  std::vector<NewMessage> batch = {
      message(room, alice, "retry", "c-1"),       // duplicate of an earlier batch
      message(room, bob, "bob's", "c-1"),         // another sender: distinct
      message(other, alice, "elsewhere", "c-1"),  // another room: distinct
      message(room, alice, "new", "c-2"),
      message(room, alice, "new again", "c-2"),  // duplicate within this batch
      message(room, alice, "no id"),
      message(room, alice, "no id"),  // without client_id nothing is deduplicated
  };
  auto results = store().append_messages(batch, kNow + 50);
  ASSERT_EQ(results.size(), batch.size());
  EXPECT_EQ(results[0].status, AppendStatus::duplicate);
  EXPECT_EQ(results[0].message.id, original.id);
  EXPECT_EQ(results[0].message.body, "first");
  EXPECT_EQ(results[0].message.ts_ms, kNow);
  EXPECT_EQ(results[0].message.username, "alice");
  EXPECT_EQ(results[1].status, AppendStatus::stored);
  EXPECT_EQ(results[2].status, AppendStatus::stored);
  EXPECT_EQ(results[3].status, AppendStatus::stored);
  EXPECT_EQ(results[4].status, AppendStatus::duplicate);
  EXPECT_EQ(results[4].message.id, results[3].message.id);
  EXPECT_EQ(results[4].message.body, "new");
  EXPECT_EQ(results[5].status, AppendStatus::stored);
  EXPECT_EQ(results[6].status, AppendStatus::stored);
  EXPECT_NE(results[5].message.id, results[6].message.id);
  EXPECT_EQ(store().count_messages(), 6);
}

TEST_P(StoreConformance, MessageIdsIncreaseAcrossRoomsAndDeletions) {
  User alice = make_user("alice");
  Room a = make_room("a", alice);
  Room b = make_room("b", alice);
  std::int64_t last = 0;
  for (int i = 0; i < 5; ++i) {
    Message m = append(i % 2 == 0 ? a : b, alice, label("m", static_cast<std::size_t>(i)));
    EXPECT_GT(m.id, last);
    last = m.id;
  }
  // Deleting the room that holds the newest message must not let its id be handed out again.
  ASSERT_TRUE(store().delete_room(a.id));
  Room c = make_room("c", alice);
  EXPECT_GT(c.id, b.id);  // room ids are not reused either
  EXPECT_GT(append(c, alice, "after").id, last);
}

TEST_P(StoreConformance, PagesBackwardsNewestFirst) {
  User alice = make_user("alice");
  Room room = make_room("general", alice);
  Room noise = make_room("noise", alice);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(append(room, alice, label("m", static_cast<std::size_t>(i))).id);
    append(noise, alice, "n");  // interleaved ids of another room
  }

  EXPECT_EQ(ids_of(store().messages_before(room.id, std::nullopt, 3)),
            (std::vector{ids[9], ids[8], ids[7]}));
  EXPECT_EQ(ids_of(store().messages_before(room.id, ids[7], 3)),
            (std::vector{ids[6], ids[5], ids[4]}));
  // The limit+1 pattern: asking for one more tells whether an older page exists.
  EXPECT_EQ(store().messages_before(room.id, ids[3], 4).size(), 3u);
  EXPECT_EQ(store().messages_before(room.id, ids[4], 4).size(), 4u);
  EXPECT_EQ(ids_of(store().messages_before(room.id, ids[2], 50)), (std::vector{ids[1], ids[0]}));
  EXPECT_TRUE(store().messages_before(room.id, ids[0], 50).empty());
  EXPECT_EQ(store().messages_before(room.id, std::nullopt, 100).size(), 10u);
  EXPECT_TRUE(store().messages_before(room.id, std::nullopt, 0).empty());
  EXPECT_EQ(store().messages_before(room.id, ids[9] + 1000, 1).at(0).id, ids[9]);
}

TEST_P(StoreConformance, PagesForwardOldestFirst) {
  User alice = make_user("alice");
  Room room = make_room("general", alice);
  Room noise = make_room("noise", alice);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 10; ++i) {
    append(noise, alice, "n");
    ids.push_back(append(room, alice, label("m", static_cast<std::size_t>(i))).id);
  }

  EXPECT_EQ(ids_of(store().messages_after(room.id, 0, 3)), (std::vector{ids[0], ids[1], ids[2]}));
  EXPECT_EQ(ids_of(store().messages_after(room.id, ids[2], 3)),
            (std::vector{ids[3], ids[4], ids[5]}));
  EXPECT_EQ(store().messages_after(room.id, ids[5], 5).size(), 4u);  // limit+1: no next page
  EXPECT_EQ(ids_of(store().messages_after(room.id, ids[8], 50)), (std::vector{ids[9]}));
  EXPECT_TRUE(store().messages_after(room.id, ids[9], 50).empty());
  EXPECT_TRUE(store().messages_after(room.id, 0, 0).empty());
  auto all = store().messages_after(room.id, 0, 100);
  ASSERT_EQ(all.size(), 10u);
  EXPECT_EQ(all[9].body, "m9");
  EXPECT_EQ(all[9].username, "alice");
}

}  // namespace parley::store::test

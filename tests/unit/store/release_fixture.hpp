#pragma once
// What the previous release's databases (fixtures/, see its README) hold, and the checks that an
// upgraded store shows all of it and runs the v1.1 features on it. Shared by the SQLite and the
// PostgreSQL upgrade tests: only loading the dump differs.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace parley::store::test {

// The text of fixtures/<name>.
inline std::string release_fixture(const std::string& name) {
  const std::string path = std::string(PARLEY_UNIT_TEST_DIR) + "/fixtures/" + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("missing fixture " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

namespace release {

// After the fixtures' messages (their timestamps are late 2026) and before their refresh tokens
// expire (early 2027).
constexpr std::int64_t kNow = 1'797'000'000'000;

constexpr std::int64_t kAlice = 1, kBob = 2, kCarol = 3;
constexpr std::int64_t kGeneral = 1, kSecret = 2, kDm = 3;
constexpr std::int64_t kNewestId = 37;

// One message as populate.py sent it.
struct OldMessage {
  std::int64_t id = 0;
  std::int64_t room_id = 0;
  std::int64_t user_id = 0;
  std::string body;
  std::optional<std::string> client_id;
  std::optional<std::string> meta_json;
};

inline std::vector<OldMessage> old_messages() {
  const char* names[] = {"alice", "bob", "carol"};
  std::vector<OldMessage> out;
  for (std::int64_t i = 1; i <= 30; ++i) {
    OldMessage m;
    m.id = i;
    m.room_id = kGeneral;
    m.user_id = i % 3 + 1;  // i % 3: alice, bob, carol
    m.body = "message " + std::to_string(i) + " from " + names[i % 3];
    if (i % 7 == 0) m.body += " @alice";
    if (i % 5 == 0) m.client_id = "c-" + std::to_string(i);
    if (i % 4 == 0) m.meta_json = R"({"n":)" + std::to_string(i) + R"(,"tags":["a","b"]})";
    out.push_back(m);
  }
  for (std::int64_t i = 1; i <= 5; ++i)
    out.push_back({30 + i, kSecret, i % 2 == 1 ? kBob : kAlice, "secret " + std::to_string(i),
                   "s-" + std::to_string(i), std::nullopt});
  out.push_back({36, kDm, kBob, "hi carol", std::nullopt, std::nullopt});
  out.push_back({37, kDm, kCarol, "hi bob", std::nullopt, std::nullopt});
  return out;
}

inline std::vector<OldMessage> old_messages_of(std::int64_t room_id) {
  std::vector<OldMessage> out;
  for (auto& m : old_messages())
    if (m.room_id == room_id) out.push_back(m);
  return out;
}

// Every user, room, member, message and refresh token of the fixture, as the upgraded store
// reads them. `refresh_token_hashes`: the dump's, of alice, bob and carol in that order.
inline void expect_release_data_intact(Store& store,
                                       const std::vector<std::string>& refresh_token_hashes) {
  EXPECT_EQ(store.count_users(), 3);
  EXPECT_EQ(store.count_rooms(), 3);
  EXPECT_EQ(store.count_messages(), kNewestId);

  const char* names[] = {"alice", "bob", "carol"};
  for (std::int64_t id = kAlice; id <= kCarol; ++id) {
    auto credentials = store.find_credentials(names[id - 1]);
    ASSERT_TRUE(credentials.has_value()) << names[id - 1];
    EXPECT_EQ(credentials->user.id, id);
    EXPECT_EQ(credentials->user.role, id == kAlice ? "admin" : "user");
    EXPECT_EQ(credentials->password_hash.rfind("$argon2id$", 0), 0u);
    EXPECT_GT(credentials->user.created_at_ms, 0);
  }
  ASSERT_EQ(refresh_token_hashes.size(), 3u);
  for (std::int64_t id = kAlice; id <= kCarol; ++id) {
    auto rotated = store.rotate_refresh_token(refresh_token_hashes[id - 1],
                                              "new-" + std::to_string(id), kNow, kNow + 1000);
    EXPECT_EQ(rotated.status, RotateStatus::rotated) << names[id - 1];
    EXPECT_EQ(rotated.user_id, id);
  }

  auto general = store.find_room(kGeneral, kCarol);
  ASSERT_TRUE(general.has_value());
  EXPECT_EQ(general->name, "general");
  EXPECT_FALSE(general->is_private);
  EXPECT_FALSE(general->is_dm);
  EXPECT_EQ(general->owner_id, kAlice);
  EXPECT_EQ(general->member_count, 3);
  EXPECT_TRUE(general->joined);
  auto secret = store.find_room(kSecret, kCarol);
  ASSERT_TRUE(secret.has_value());
  EXPECT_EQ(secret->name, "secret");
  EXPECT_TRUE(secret->is_private);
  EXPECT_EQ(secret->owner_id, kAlice);
  EXPECT_EQ(secret->member_count, 2);
  EXPECT_FALSE(secret->joined);
  EXPECT_EQ(store.access_code_hash(kSecret).value_or("").rfind("$argon2id$", 0), 0u);
  EXPECT_FALSE(store.access_code_hash(kGeneral).has_value());
  auto dm = store.find_room(kDm, kBob);
  ASSERT_TRUE(dm.has_value());
  EXPECT_EQ(dm->name, "dm:bob,carol");
  EXPECT_TRUE(dm->is_dm);
  EXPECT_TRUE(dm->is_private);
  EXPECT_EQ(dm->owner_id, kBob);
  EXPECT_EQ(dm->member_count, 2);
  // The DM is found again, not created twice.
  domain::User bob{kBob, "bob", "user", 0};
  domain::User carol{kCarol, "carol", "user", 0};
  EXPECT_EQ(store.get_or_create_dm(carol, bob, kNow).id, kDm);
  // Room names stay taken.
  EXPECT_FALSE(store.create_room("GENERAL", false, kBob, std::nullopt, kNow).has_value());

  auto member_ids = [&](std::int64_t room_id) {
    std::vector<std::int64_t> ids;
    for (const auto& m : store.members(room_id)) {
      ids.push_back(m.user_id);
      EXPECT_EQ(m.is_owner, m.user_id == (room_id == kDm ? kBob : kAlice));
      EXPECT_EQ(m.last_read, 0);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  EXPECT_EQ(member_ids(kGeneral), (std::vector<std::int64_t>{kAlice, kBob, kCarol}));
  EXPECT_EQ(member_ids(kSecret), (std::vector<std::int64_t>{kAlice, kBob}));
  EXPECT_EQ(member_ids(kDm), (std::vector<std::int64_t>{kBob, kCarol}));

  for (std::int64_t room_id : {kGeneral, kSecret, kDm}) {
    auto expected = old_messages_of(room_id);
    auto stored = store.messages_after(room_id, 0, 100);
    ASSERT_EQ(stored.size(), expected.size()) << "room " << room_id;
    std::int64_t last_ts = 0;
    for (std::size_t i = 0; i < stored.size(); ++i) {
      const domain::Message& m = stored[i];
      const OldMessage& want = expected[i];
      EXPECT_EQ(m.id, want.id);
      EXPECT_EQ(m.room_id, room_id);
      EXPECT_EQ(m.user_id, want.user_id) << m.id;
      EXPECT_EQ(m.username, names[want.user_id - 1]) << m.id;
      EXPECT_EQ(m.body, want.body) << m.id;
      EXPECT_EQ(m.client_id, want.client_id) << m.id;
      EXPECT_EQ(m.meta_json, want.meta_json) << m.id;
      EXPECT_GE(m.ts_ms, last_ts) << m.id;
      last_ts = m.ts_ms;
      // Nothing of v1.1 happened to them: no revision, no edit, no thread, no reactions. Mentions
      // are resolved when a message is stored, so messages stored before v1.1 carry none.
      EXPECT_EQ(m.rev, 0) << m.id;
      EXPECT_EQ(m.position(), m.id);
      EXPECT_FALSE(m.edited_at_ms.has_value()) << m.id;
      EXPECT_FALSE(m.deleted) << m.id;
      EXPECT_FALSE(m.reply_to.has_value()) << m.id;
      EXPECT_EQ(m.reply_count, 0) << m.id;
      EXPECT_FALSE(m.reactions_json.has_value()) << m.id;
      EXPECT_TRUE(m.mentions.empty()) << m.id;
    }
  }
}

// The v1.1 features on the upgraded data. `query` runs SQL on the database and returns the first
// column of the first row.
inline void expect_new_features_work(Store& store,
                                     const std::function<std::string(const std::string&)>& query) {
  auto write = [&](Write w) {
    auto results = store.write_batch({&w, 1}, kNow);
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? WriteResult{} : results.front();
  };

  // Every old message got its ordinal in its room.
  EXPECT_EQ(query("SELECT count(*) FROM messages m WHERE m.room_seq <> (SELECT count(*) FROM "
                  "messages p WHERE p.room_id = m.room_id AND p.id <= m.id)"),
            "0");
  EXPECT_EQ(query("SELECT max(room_seq) FROM messages WHERE room_id = 1"), "30");

  // Unread for the old members: the messages of the others; nothing read yet.
  EXPECT_EQ(store.read_state(kGeneral, kAlice).unread, 20);
  EXPECT_EQ(store.read_state(kGeneral, kBob).unread, 20);
  EXPECT_EQ(store.read_state(kGeneral, kCarol).unread, 20);
  EXPECT_EQ(store.read_state(kSecret, kAlice).unread, 3);
  EXPECT_EQ(store.read_state(kSecret, kBob).unread, 2);
  EXPECT_EQ(store.read_state(kDm, kBob).unread, 1);
  EXPECT_EQ(store.read_state(kDm, kCarol).unread, 1);
  for (const auto& room : store.list_rooms(kAlice)) {
    ASSERT_TRUE(room.reading.has_value()) << room.name;
    EXPECT_EQ(room.reading->read.last_read, 0);
    EXPECT_EQ(room.reading->last_message.value_or(domain::Message{}).id,
              room.id == kGeneral ? 30 : 35);
  }

  // Repeats of the old client_ids are duplicates of the old messages, in one batch.
  std::vector<Write> retries;
  std::vector<OldMessage> keyed;
  for (const auto& m : old_messages()) {
    if (!m.client_id) continue;
    keyed.push_back(m);
    retries.push_back(NewMessage{m.room_id, m.user_id, "retry", m.client_id, {}, {}});
  }
  ASSERT_EQ(keyed.size(), 11u);
  auto results = store.write_batch(retries, kNow);
  ASSERT_EQ(results.size(), keyed.size());
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    EXPECT_EQ(results[i].status, WriteStatus::duplicate) << *keyed[i].client_id;
    EXPECT_EQ(results[i].message.id, keyed[i].id) << *keyed[i].client_id;
    EXPECT_EQ(results[i].message.body, keyed[i].body);
  }
  EXPECT_EQ(store.count_messages(), kNewestId);

  // An edit, a reaction and a reply on old messages draw positions above every old id.
  WriteResult edited = write(EditMessage{kGeneral, 3, kAlice, "message 3, edited", false, {}});
  ASSERT_EQ(edited.status, WriteStatus::changed);
  EXPECT_GT(edited.message.rev, kNewestId);
  EXPECT_TRUE(edited.message.edited_at_ms.has_value());
  WriteResult reacted = write(ReactMessage{kGeneral, 4, kCarol, "👍", true});
  ASSERT_EQ(reacted.status, WriteStatus::changed);
  EXPECT_GT(reacted.message.rev, edited.message.rev);
  EXPECT_EQ(reacted.message.meta_json, std::optional<std::string>(R"({"n":4,"tags":["a","b"]})"));
  EXPECT_EQ(reacted.message.reactions_json,
            std::optional<std::string>(R"([{"emoji":"👍","count":1,"users":[3]}])"));
  WriteResult replied = write(NewMessage{kGeneral, kBob, "a reply to 2 @carol", {}, {}, 2});
  ASSERT_EQ(replied.status, WriteStatus::stored);
  EXPECT_GT(replied.message.id, reacted.message.rev);
  EXPECT_EQ(replied.message.mentions, (std::vector<std::int64_t>{kCarol}));
  ASSERT_TRUE(replied.parent.has_value());
  EXPECT_EQ(replied.parent->reply_count, 1);
  EXPECT_EQ(query("SELECT room_seq FROM messages WHERE id = " + std::to_string(replied.message.id)),
            "31");
  // A repeat of an old key from someone else is a message of its own.
  WriteResult other_sender = write(NewMessage{kGeneral, kAlice, "mine", "c-5", {}, {}});
  EXPECT_EQ(other_sender.status, WriteStatus::stored);
  EXPECT_GT(other_sender.message.id, replied.message.id);

  // Catch-up from the old newest id shows the new messages and the changed old ones.
  auto caught = store.catch_up(kGeneral, 30, 100, 100);
  ASSERT_EQ(caught.missed.size(), 2u);
  EXPECT_EQ(caught.missed[0].id, replied.message.id);
  ASSERT_EQ(caught.changed.size(), 3u);
  EXPECT_EQ(caught.changed[0].id, 3);
  EXPECT_EQ(caught.changed[1].id, 4);
  EXPECT_EQ(caught.changed[2].id, 2);
  EXPECT_EQ(caught.newest_position, other_sender.message.id);

  // Reading: alice reads up to message 15; bob's new reply and alice's own send do not count
  // the same way for everyone.
  WriteResult alice_read = write(MarkRead{kGeneral, kAlice, 15});
  ASSERT_EQ(alice_read.status, WriteStatus::changed);
  EXPECT_EQ(alice_read.read.last_read, 15);
  EXPECT_EQ(alice_read.read.unread, 11);  // 10 old ones of others above 15, and bob's reply
  EXPECT_EQ(alice_read.member_count, 3);
  EXPECT_EQ(store.read_state(kGeneral, kCarol).unread, 22);   // + bob's reply, alice's "mine"
  EXPECT_EQ(store.read_state(kGeneral, kCarol).mentions, 1);  // the reply named her
  EXPECT_EQ(store.read_state(kGeneral, kBob).unread, 21);     // + alice's "mine"
  WriteResult old_delete = write(DeleteMessage{kGeneral, 16, kBob});
  ASSERT_EQ(old_delete.status, WriteStatus::changed);
  EXPECT_EQ(store.read_state(kGeneral, kAlice).unread, 10);
  EXPECT_EQ(store.read_state(kGeneral, kCarol).unread, 21);
  EXPECT_EQ(store.read_state(kGeneral, kBob).unread, 21);
  bool found = false;
  for (const auto& m : store.members(kGeneral)) {
    if (m.user_id != kAlice) continue;
    found = true;
    EXPECT_EQ(m.last_read, 15);
  }
  EXPECT_TRUE(found);
}

}  // namespace release
}  // namespace parley::store::test

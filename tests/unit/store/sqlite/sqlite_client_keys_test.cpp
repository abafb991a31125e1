// The SQLite store's idempotency keys: held in memory and written to message_keys a generation
// at a time (see pending_client_keys.hpp), they must find every earlier message of the same key
// whatever stage its key is in, after a restart, and after a room is deleted.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../raw_connection.hpp"
#include "../temp_dir.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::store::test {

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;
// More than two generations of keys (16,384 each), so that keys sit in the table, in a sealed
// generation and in the open one.
constexpr int kMessages = 40'000;

struct Fixture {
  std::int64_t user = 0;
  std::int64_t kept_room = 0;
  std::int64_t deleted_room = 0;
  std::vector<std::int64_t> ids;  // message id of client id "k<i>"
};

std::int64_t room_of(const Fixture& f, int i) {
  return i % 2 == 0 ? f.kept_room : f.deleted_room;
}

NewMessage keyed(const Fixture& f, int i, std::string body = "m") {
  return {
      room_of(f, i), f.user, std::move(body), std::string("k").append(std::to_string(i)), {}, {}};
}

void append_range(SqliteStore& store, Fixture& f, int first, int last) {
  for (int start = first; start < last; start += 500) {
    std::vector<NewMessage> batch;
    for (int i = start; i < std::min(last, start + 500); ++i) batch.push_back(keyed(f, i));
    for (const auto& result : store.append_messages(batch, kNow)) {
      ASSERT_EQ(result.status, AppendStatus::stored);
      f.ids.push_back(result.message.id);
    }
  }
}

// Resends of keys from the first, middle and last generation return the stored messages.
void expect_repeats_found(SqliteStore& store, const Fixture& f, const std::vector<int>& samples) {
  std::vector<NewMessage> batch;
  for (int i : samples) batch.push_back(keyed(f, i, "resent"));
  auto results = store.append_messages(batch, kNow);
  for (std::size_t n = 0; n < samples.size(); ++n) {
    const int i = samples[n];
    EXPECT_EQ(results[n].status, AppendStatus::duplicate) << "k" << i;
    EXPECT_EQ(results[n].message.id, f.ids[static_cast<std::size_t>(i)]) << "k" << i;
    EXPECT_EQ(results[n].message.body, "m") << "k" << i;
  }
}

Fixture populate(SqliteStore& store) {
  Fixture f;
  f.user = store.create_user("alice", "hash", kNow)->id;
  f.kept_room = store.create_room("kept", false, f.user, std::nullopt, kNow)->id;
  f.deleted_room = store.create_room("deleted", false, f.user, std::nullopt, kNow)->id;
  return f;
}

const std::vector<int> kSamples = {0, 1, 7'777, 16'383, 16'384, 25'000, 32'768, 39'998, 39'999};

}  // namespace

TEST(SqliteClientKeys, RepeatsAreFoundInEveryGenerationAndAfterReopening) {
  TempDir dir;
  const std::string path = dir.file("parley.db");
  Fixture f;
  {
    SqliteStore store(path, Durability::normal);
    f = populate(store);
    append_range(store, f, 0, kMessages);
    expect_repeats_found(store, f, kSamples);
  }
  // The store closes with keys only in memory, as after a crash: they are read back.
  SqliteStore store(path, Durability::normal);
  expect_repeats_found(store, f, kSamples);
  // A repeat within one batch is one message.
  std::vector<NewMessage> twice = {keyed(f, kMessages), keyed(f, kMessages)};
  auto results = store.append_messages(twice, kNow);
  EXPECT_EQ(results[0].status, AppendStatus::stored);
  EXPECT_EQ(results[1].status, AppendStatus::duplicate);
  EXPECT_EQ(results[1].message.id, results[0].message.id);
}

TEST(SqliteClientKeys, DeletingARoomWithPendingKeysKeepsTheOthersWorking) {
  TempDir dir;
  const std::string path = dir.file("parley.db");
  Fixture f;
  {
    SqliteStore store(path, Durability::normal);
    f = populate(store);
    append_range(store, f, 0, 20'000);
    ASSERT_TRUE(store.delete_room(f.deleted_room));
    // Even keys only: the kept room. More generations are sealed and written after the deletion.
    f.ids.resize(20'000);
    for (int i = 20'000; i < 60'000; i += 2) {
      NewMessage m = keyed(f, i);
      auto result = store.append_messages({&m, 1}, kNow).at(0);
      ASSERT_EQ(result.status, AppendStatus::stored);
      f.ids.resize(static_cast<std::size_t>(i) + 1);
      f.ids[static_cast<std::size_t>(i)] = result.message.id;
    }
    NewMessage orphan = keyed(f, 1);
    EXPECT_EQ(store.append_messages({&orphan, 1}, kNow).at(0).status, AppendStatus::room_not_found);
  }
  SqliteStore store(path, Durability::normal);
  expect_repeats_found(store, f, {0, 2, 19'998, 20'000, 40'000, 59'998});
  RawConnection raw(path);
  const std::string orphans =
      "SELECT COUNT(*) FROM message_keys WHERE room_id = " + std::to_string(f.deleted_room);
  EXPECT_EQ(raw.text(orphans.c_str()), "0");
}

TEST(SqliteClientKeys, UpgradingFromSchemaOneKeepsEveryKey) {
  TempDir dir;
  const std::string path = dir.file("parley.db");
  Fixture f;
  {
    SqliteStore store(path, Durability::normal);
    f = populate(store);
    append_range(store, f, 0, 1'000);
  }
  {
    // Turn it back into a version 1 database: keys only in the unique index on messages, and
    // none of the later migrations' tables and columns.
    RawConnection raw(path);
    raw.exec(
        "DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_delete; "
        "DROP TRIGGER messages_fts_update; DROP TABLE messages_fts; "
        "DROP TABLE message_attachments; DROP TABLE uploads; "
        "ALTER TABLE messages DROP COLUMN attachments; "
        "DROP TABLE sessions; DROP TABLE totp; DROP TABLE recovery_codes; "
        "ALTER TABLE users DROP COLUMN deactivated; "
        "DROP INDEX messages_changed; DROP INDEX messages_deleted; DROP INDEX messages_replies; "
        "DROP TABLE reactions; DROP TABLE mentions; DROP TABLE read_states; "
        "ALTER TABLE messages DROP COLUMN rev; ALTER TABLE messages DROP COLUMN edited_at; "
        "ALTER TABLE messages DROP COLUMN deleted; ALTER TABLE messages DROP COLUMN reply_to; "
        "ALTER TABLE messages DROP COLUMN reply_count; "
        "ALTER TABLE messages DROP COLUMN last_reply_at; "
        "ALTER TABLE messages DROP COLUMN mentions; ALTER TABLE messages DROP COLUMN reactions; "
        "ALTER TABLE messages DROP COLUMN room_seq; "
        "DROP TABLE message_keys; DROP TABLE store_state; "
        "CREATE UNIQUE INDEX messages_client ON messages (room_id, user_id, client_id) "
        "WHERE client_id IS NOT NULL; PRAGMA user_version = 1;");
  }
  SqliteStore store(path, Durability::normal);
  expect_repeats_found(store, f, {0, 1, 500, 998, 999});
  RawConnection raw(path);
  EXPECT_EQ(raw.text("SELECT COUNT(*) FROM message_keys"), "1000");
}

}  // namespace parley::store::test

#include "store/sqlite/sqlite_store.hpp"

#include <memory>
#include <stdexcept>
#include <string>

#include "../raw_connection.hpp"
#include "../store_conformance.hpp"
#include "../temp_dir.hpp"
#include "store/sqlite/sqlite_migrations.hpp"

namespace parley::store::test {

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

// A SqliteStore on a file in its own temporary directory, removed with the store. TempDir comes
// first among the bases so the directory exists before the store opens and outlives it.
class TempSqliteStore : private TempDir, public SqliteStore {
 public:
  TempSqliteStore() : TempDir(), SqliteStore(file("parley.db"), Durability::normal) {}
};

std::unique_ptr<Store> make_sqlite() {
  return std::make_unique<TempSqliteStore>();
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
                         ::testing::Values(StoreBackend{"Sqlite", make_sqlite}), backend_name);

TEST(SqliteStore, CommittedDataSurvivesReopening) {
  TempDir dir;
  std::string path = dir.file("parley.db");
  std::int64_t room_id = 0;
  std::int64_t last_id = 0;
  {
    SqliteStore store(path, Durability::full);
    auto alice = store.create_user("alice", "hash", kNow);
    ASSERT_TRUE(alice);
    auto room = store.create_room("general", false, alice->id, std::nullopt, kNow);
    ASSERT_TRUE(room);
    room_id = room->id;
    std::vector<NewMessage> batch;
    for (int i = 0; i < 3; ++i) {
      batch.push_back(
          {room_id, alice->id, "m" + std::to_string(i), "c" + std::to_string(i), {}, {}});
    }
    auto results = store.append_messages(batch, kNow);
    last_id = results.back().message.id;
    store.insert_refresh_token("t1", alice->id, "fam", kNow + 1000);
  }
  SqliteStore store(path, Durability::full);
  auto alice = store.find_credentials("ALICE");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->user.role, "admin");
  EXPECT_EQ(alice->password_hash, "hash");
  auto messages = store.messages_before(room_id, std::nullopt, 10);
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].body, "m2");
  EXPECT_EQ(messages[0].id, last_id);
  EXPECT_EQ(store.rotate_refresh_token("t1", "t2", kNow, kNow + 1000).status,
            RotateStatus::rotated);
  // client_id deduplication holds across restarts.
  NewMessage retry{room_id, alice->user.id, "again", "c1", {}, {}};
  EXPECT_EQ(store.append_messages({&retry, 1}, kNow).at(0).status, AppendStatus::duplicate);
}

TEST(SqliteStore, MessageIdsAreNotReusedAfterDeletionAndRestart) {
  TempDir dir;
  std::string path = dir.file("parley.db");
  std::int64_t last_id = 0;
  std::int64_t owner = 0;
  {
    SqliteStore store(path, Durability::normal);
    owner = store.create_user("alice", "hash", kNow)->id;
    auto room = store.create_room("doomed", false, owner, std::nullopt, kNow);
    NewMessage m{room->id, owner, "last", {}, {}, {}};
    last_id = store.append_messages({&m, 1}, kNow).at(0).message.id;
    ASSERT_TRUE(store.delete_room(room->id));
  }
  SqliteStore store(path, Durability::normal);
  auto room = store.create_room("fresh", false, owner, std::nullopt, kNow);
  NewMessage m{room->id, owner, "next", {}, {}, {}};
  EXPECT_GT(store.append_messages({&m, 1}, kNow).at(0).message.id, last_id);
}

TEST(SqliteStore, UsesWalAndTheCurrentSchemaVersion) {
  TempDir dir;
  std::string path = dir.file("parley.db");
  SqliteStore store(path, Durability::full);
  RawConnection raw(path);
  EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.text("PRAGMA user_version"), std::to_string(sqlite_schema_version()));
}

TEST(SqliteStore, RefusesADatabaseFromANewerVersion) {
  TempDir dir;
  std::string path = dir.file("parley.db");
  { SqliteStore store(path, Durability::normal); }
  RawConnection(path).exec("PRAGMA user_version = 999");
  EXPECT_THROW(SqliteStore(path, Durability::normal), std::runtime_error);
}

TEST(SqliteStore, UnopenablePathIsUnavailable) {
  TempDir dir;
  EXPECT_THROW(SqliteStore(dir.file("missing/dir/parley.db"), Durability::normal),
               StoreUnavailable);
}

TEST(SqliteStore, LockedDatabaseIsUnavailableAndRecovers) {
  TempDir dir;
  std::string path = dir.file("parley.db");
  SqliteStore store(path, Durability::normal, 50);
  auto alice = store.create_user("alice", "hash", kNow);
  auto room = store.create_room("general", false, alice->id, std::nullopt, kNow);
  NewMessage m{room->id, alice->id, "hi", "c-1", {}, {}};

  RawConnection other(path);
  other.exec("BEGIN EXCLUSIVE");
  EXPECT_THROW(store.append_messages({&m, 1}, kNow), StoreUnavailable);
  EXPECT_THROW(store.create_user("bob", "hash", kNow), StoreUnavailable);
  EXPECT_TRUE(store.ping());  // WAL readers are not blocked by a writer
  other.exec("ROLLBACK");

  // The failed batch left nothing behind, and the store works again.
  EXPECT_EQ(store.count_messages(), 0);
  EXPECT_EQ(store.append_messages({&m, 1}, kNow).at(0).status, AppendStatus::stored);
}

}  // namespace parley::store::test

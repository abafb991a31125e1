#include "store/sqlite/sqlite_backup.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../temp_dir.hpp"
#include "store/sqlite/sqlite_migrations.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::store::test {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

// A database holding `count` messages in one room; returns the room id.
std::int64_t seed(SqliteStore& store, int count, const std::string& prefix) {
  auto user = store.find_user_by_name("alice");
  if (!user) user = store.create_user("alice", "hash", kNow);
  auto room = store.create_room(prefix, false, user->id, std::nullopt, kNow);
  std::vector<NewMessage> batch;
  for (int i = 0; i < count; ++i)
    batch.push_back(
        {room->id, user->id, prefix + std::to_string(i), prefix + std::to_string(i), {}, {}});
  store.append_messages(batch, kNow);
  return room->id;
}

void set_user_version(const std::string& path, int version) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string sql = "PRAGMA user_version = " + std::to_string(version);
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

TEST(SqliteBackup, CopiesAnOpenDatabaseThatRestoresWithEverything) {
  TempDir dir;
  const std::string db = dir.file("parley.db"), copy = dir.file("backup.db");
  std::int64_t room = 0;
  {
    SqliteStore store(db, Durability::full);
    room = seed(store, 25, "before");
    // Taken while the store is open (its write connection and readers hold the database).
    auto summary = backup_sqlite(db, copy);
    EXPECT_EQ(summary.messages, 25);
    EXPECT_EQ(summary.schema_version, sqlite_schema_version());
    EXPECT_GT(summary.bytes, 0);
    seed(store, 5, "after");  // not in the backup
  }
  EXPECT_FALSE(std::filesystem::exists(copy + ".partial"));
  EXPECT_FALSE(std::filesystem::exists(copy + "-wal"));
  auto restored = restore_sqlite(copy, db);
  EXPECT_EQ(restored.messages, 25);
  EXPECT_TRUE(std::filesystem::exists(db + ".before-restore"));
  SqliteStore store(db, Durability::full);
  auto page = store.messages_after(room, 0, 100);
  ASSERT_EQ(page.size(), 25u);
  EXPECT_EQ(page.front().body, "before0");
  EXPECT_EQ(store.count_messages(), 25);
  // The replaced database is whole, WAL folded in.
  SqliteStore before(db + ".before-restore", Durability::full);
  EXPECT_EQ(before.count_messages(), 30);
}

TEST(SqliteBackup, RestoreRefusesWhatThisBinaryCannotRun) {
  TempDir dir;
  const std::string db = dir.file("parley.db"), copy = dir.file("backup.db");
  {
    SqliteStore store(db, Durability::full);
    seed(store, 3, "m");
  }
  backup_sqlite(db, copy);
  const auto size_before = std::filesystem::file_size(db);

  set_user_version(copy, sqlite_schema_version() + 1);
  try {
    restore_sqlite(copy, db);
    FAIL() << "a newer schema was restored";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("newer than this binary"), std::string::npos) << e.what();
  }
  std::ofstream(dir.file("garbage.db"))
      << "not a database at all, but long enough to look like one";
  EXPECT_THROW(restore_sqlite(dir.file("garbage.db"), db), std::runtime_error);
  EXPECT_THROW(restore_sqlite(dir.file("missing.db"), db), std::runtime_error);
  // Nothing was changed by the refusals.
  EXPECT_FALSE(std::filesystem::exists(db + ".before-restore"));
  EXPECT_FALSE(std::filesystem::exists(db + ".restoring"));
  EXPECT_EQ(std::filesystem::file_size(db), size_before);
  SqliteStore store(db, Durability::full);
  EXPECT_EQ(store.count_messages(), 3);
}

TEST(SqliteBackup, AMissingDatabaseIsAnErrorAndLeavesNoFile) {
  TempDir dir;
  EXPECT_THROW(backup_sqlite(dir.file("none.db"), dir.file("out.db")), std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(dir.file("out.db")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("out.db.partial")));
}

TEST(SqliteStore, AnOlderBinaryRefusesANewerSchemaWithoutChangingIt) {
  TempDir dir;
  const std::string db = dir.file("parley.db");
  { SqliteStore store(db, Durability::full); }
  set_user_version(db, sqlite_schema_version() + 1);
  try {
    SqliteStore store(db, Durability::full);
    FAIL() << "opened a newer schema";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("is newer than this binary"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("Rollback"), std::string::npos);
  }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), sqlite_schema_version() + 1);
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
}

}  // namespace
}  // namespace parley::store::test

// A database written by the previous release (fixtures/sqlite-release-0.1.sql) opened by this
// store: migrated in place, every old record intact, the v1.1 features working on it; and a
// database newer than this binary refused before anything is changed.
#include <stdexcept>
#include <string>

#include "../raw_connection.hpp"
#include "../release_fixture.hpp"
#include "../temp_dir.hpp"
#include "store/sqlite/sqlite_migrations.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::store::test {

namespace {

const std::vector<std::string> kRefreshTokenHashes = {
    "1a237bd9a96979a6a13e2e677ff9a6586b759b085d8dd128dd510c470c7e02bd",  // alice
    "de645905238cb89776d3fc6312c052307a2fc8bc845a3380b34d8f6d40f548fb",  // bob
    "2642cc5e693cf4b988415b62c4a9e1b0a7212c2f0b333ae787796b8aab5611f2",  // carol
};

// The release's database in a fresh file.
class SqliteUpgrade : public ::testing::Test {
 protected:
  SqliteUpgrade() : path_(dir_.file("parley.db")) {
    RawConnection raw(path_);
    raw.exec(release_fixture("sqlite-release-0.1.sql").c_str());
  }

  std::string query(const std::string& sql) { return RawConnection(path_).text(sql.c_str()); }

  TempDir dir_;
  std::string path_;
};

}  // namespace

TEST_F(SqliteUpgrade, TheReleaseDatabaseIsMigratedInPlace) {
  ASSERT_EQ(query("PRAGMA user_version"), "2");
  SqliteStore store(path_, Durability::normal);
  EXPECT_EQ(query("PRAGMA user_version"), std::to_string(sqlite_schema_version()));
  EXPECT_EQ(query("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(query("PRAGMA foreign_key_check"), "");
  release::expect_release_data_intact(store, kRefreshTokenHashes);
  release::expect_new_features_work(store, [&](const std::string& sql) { return query(sql); });
}

TEST_F(SqliteUpgrade, TheUpgradedDatabaseReopensWithItsKeysAndCounters) {
  std::int64_t reply_id = 0;
  {
    SqliteStore store(path_, Durability::normal);
    Write w = NewMessage{release::kGeneral, release::kBob, "after the upgrade", "new-1", {}, 2};
    auto r = store.write_batch({&w, 1}, release::kNow);
    ASSERT_EQ(r.at(0).status, WriteStatus::stored);
    reply_id = r.at(0).message.id;
  }
  SqliteStore store(path_, Durability::normal);  // migrations already applied: none run
  EXPECT_EQ(query("PRAGMA user_version"), std::to_string(sqlite_schema_version()));
  std::vector<Write> retries = {
      NewMessage{release::kGeneral, release::kCarol, "retry", "c-5", {}, {}},
      NewMessage{release::kGeneral, release::kBob, "retry", "new-1", {}, {}},
      NewMessage{release::kGeneral, release::kCarol, "next", {}, {}, {}},
  };
  auto results = store.write_batch(retries, release::kNow);
  EXPECT_EQ(results[0].status, WriteStatus::duplicate);
  EXPECT_EQ(results[0].message.id, 5);
  EXPECT_EQ(results[1].status, WriteStatus::duplicate);
  EXPECT_EQ(results[1].message.id, reply_id);
  ASSERT_EQ(results[2].status, WriteStatus::stored);
  EXPECT_EQ(
      query("SELECT room_seq FROM messages WHERE id = " + std::to_string(results[2].message.id)),
      "32");
  EXPECT_EQ(store.read_state(release::kGeneral, release::kAlice).unread, 22);
  EXPECT_EQ(store.find_message(release::kGeneral, 2)->reply_count, 1);
}

TEST_F(SqliteUpgrade, ADatabaseNewerThanThisBinaryIsRefusedUntouched) {
  const int newer = sqlite_schema_version() + 1;
  RawConnection(path_).exec(("PRAGMA user_version = " + std::to_string(newer)).c_str());
  try {
    SqliteStore store(path_, Durability::normal);
    FAIL() << "a database of schema version " << newer << " was opened";
  } catch (const std::runtime_error& e) {
    const std::string expected = "database schema version " + std::to_string(newer) +
                                 " is newer than this binary (" +
                                 std::to_string(sqlite_schema_version()) + ")";
    EXPECT_TRUE(std::string(e.what()).starts_with(expected)) << e.what();
  }
  EXPECT_EQ(query("PRAGMA user_version"), std::to_string(newer));
  EXPECT_EQ(query("SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'rev'"), "0");
  EXPECT_EQ(query("SELECT count(*) FROM messages"), "37");
}

}  // namespace parley::store::test

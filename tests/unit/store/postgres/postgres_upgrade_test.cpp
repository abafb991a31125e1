// A database written by the previous release (fixtures/postgres-release-0.1.sql) opened by this
// store: migrated in place (once, however many servers open it at the same time), every old
// record intact, the v1.1 features working on it; and a database newer than this binary refused
// before anything is changed.
#include <future>
#include <stdexcept>
#include <string>
#include <vector>

#include "../release_fixture.hpp"
#include "store/postgres/postgres_migrations.hpp"
#include "store/postgres/postgres_store.hpp"
#include "temp_database.hpp"

namespace parley::store::test {

namespace {

const std::vector<std::string> kRefreshTokenHashes = {
    "da2e143bd94ba2cd6e1c245c5f4132fba4153cea932b92454dc6a664e2dd0d9d",  // alice
    "0bb96f170869ad8a8cba25f80509323e04a21d2d040ac0ee720be1628ed0581b",  // bob
    "c0601a56c864bacc6cfd7bb9c310c3e37271f3ec4bf4f5167108b6021e660510",  // carol
};

// The release's database, restored into a fresh database.
class PostgresUpgrade : public ::testing::Test {
 protected:
  PostgresUpgrade() { db_.exec(release_fixture("postgres-release-0.1.sql")); }

  TempDatabase db_;
};

}  // namespace

TEST_F(PostgresUpgrade, TheReleaseDatabaseIsMigratedInPlace) {
  ASSERT_EQ(db_.exec("SELECT max(version) FROM schema_version"), "1");
  PostgresStore store(db_.url());
  EXPECT_EQ(db_.exec("SELECT max(version) FROM schema_version"),
            std::to_string(postgres_schema_version()));
  EXPECT_EQ(db_.exec("SELECT count(*) FROM schema_version"),
            std::to_string(postgres_schema_version()));
  release::expect_release_data_intact(store, kRefreshTokenHashes);
  release::expect_new_features_work(store, [&](const std::string& sql) { return db_.exec(sql); });
}

TEST_F(PostgresUpgrade, ServersOpeningTheReleaseDatabaseAtOnceMigrateItOnce) {
  std::vector<std::future<bool>> opens;
  for (int i = 0; i < 3; ++i)
    opens.push_back(
        std::async(std::launch::async, [&] { return PostgresStore(db_.url(), 1).ping(); }));
  for (auto& open : opens) EXPECT_TRUE(open.get());
  EXPECT_EQ(db_.exec("SELECT count(*) FROM schema_version"),
            std::to_string(postgres_schema_version()));
  PostgresStore store(db_.url());
  EXPECT_EQ(store.count_messages(), release::kNewestId);
  EXPECT_EQ(store.read_state(release::kGeneral, release::kAlice).unread, 20);
  // New ids continue the old sequence.
  Write w = NewMessage{release::kSecret, release::kBob, "after", {}, {}, {}};
  auto r = store.write_batch({&w, 1}, release::kNow);
  ASSERT_EQ(r.at(0).status, WriteStatus::stored);
  EXPECT_GT(r.at(0).message.id, release::kNewestId);
  EXPECT_EQ(
      db_.exec("SELECT room_seq FROM messages WHERE id = " + std::to_string(r.at(0).message.id)),
      "6");
}

TEST_F(PostgresUpgrade, ADatabaseNewerThanThisBinaryIsRefusedUntouched) {
  const int newer = postgres_schema_version() + 1;
  db_.exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(newer) + ")");
  try {
    PostgresStore store(db_.url());
    FAIL() << "a database of schema version " << newer << " was opened";
  } catch (const std::runtime_error& e) {
    const std::string expected = "database schema version " + std::to_string(newer) +
                                 " is newer than this binary (" +
                                 std::to_string(postgres_schema_version()) + ")";
    EXPECT_TRUE(std::string(e.what()).starts_with(expected)) << e.what();
  }
  EXPECT_EQ(db_.exec("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                     "'messages' AND column_name = 'rev'"),
            "0");
  EXPECT_EQ(db_.exec("SELECT count(*) FROM schema_version"), "2");
  EXPECT_EQ(db_.exec("SELECT count(*) FROM messages"), "37");
}

}  // namespace parley::store::test

#include "store/postgres/postgres_store.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../store_conformance.hpp"
#include "store/postgres/postgres_migrations.hpp"
#include "temp_database.hpp"

namespace parley::store::test {

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

// A PostgresStore on its own fresh database. TempDatabase comes first among the bases so the
// database exists before the store connects and is dropped after the store closed.
class TempPostgresStore : private TempDatabase, public PostgresStore {
 public:
  TempPostgresStore() : TempDatabase(), PostgresStore(url()) {}
};

std::unique_ptr<Store> make_postgres() {
  return std::make_unique<TempPostgresStore>();
}

std::string label(const char* prefix, std::size_t i) {
  std::string out(prefix);
  out += std::to_string(i);
  return out;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformance,
                         ::testing::Values(StoreBackend{"Postgres", make_postgres}), backend_name);

TEST(PostgresStore, CommittedDataSurvivesReopeningAndSchemaIsVersioned) {
  TempDatabase db;
  std::int64_t room_id = 0;
  {
    PostgresStore store(db.url());
    auto alice = store.create_user("alice", "hash", kNow);
    ASSERT_TRUE(alice);
    room_id = store.create_room("general", false, alice->id, std::nullopt, kNow)->id;
    NewMessage m{room_id, alice->id, "hi", "c1", {}, {}};
    ASSERT_EQ(store.append_messages({&m, 1}, kNow).at(0).status, AppendStatus::stored);
    store.insert_refresh_token("t1", alice->id, "fam", kNow + 1000);
  }
  // Two stores opening at once: the advisory lock makes exactly one of them migrate (again: none).
  auto other = std::async(std::launch::async, [&] { return PostgresStore(db.url()).ping(); });
  PostgresStore store(db.url());
  EXPECT_TRUE(other.get());
  EXPECT_EQ(db.exec("SELECT count(*) FROM schema_version"),
            std::to_string(postgres_schema_version()));
  auto alice = store.find_credentials("ALICE");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->user.role, "admin");
  EXPECT_EQ(store.messages_before(room_id, std::nullopt, 10).at(0).body, "hi");
  EXPECT_EQ(store.rotate_refresh_token("t1", "t2", kNow, kNow + 1000).status,
            RotateStatus::rotated);
  NewMessage retry{room_id, alice->user.id, "again", "c1", {}, {}};
  EXPECT_EQ(store.append_messages({&retry, 1}, kNow).at(0).status, AppendStatus::duplicate);
}

TEST(PostgresStore, ConcurrentFirstMigrationsCreateTheSchemaOnce) {
  TempDatabase db;
  std::vector<std::future<bool>> opens;
  for (int i = 0; i < 4; ++i) {
    opens.push_back(
        std::async(std::launch::async, [&] { return PostgresStore(db.url(), 1).ping(); }));
  }
  for (auto& open : opens) EXPECT_TRUE(open.get());
  EXPECT_EQ(db.exec("SELECT max(version) FROM schema_version"),
            std::to_string(postgres_schema_version()));
  EXPECT_EQ(db.exec("SELECT count(*) FROM schema_version"),
            std::to_string(postgres_schema_version()));
}

TEST(PostgresStore, RefusesADatabaseFromANewerVersion) {
  TempDatabase db;
  { PostgresStore store(db.url()); }
  db.exec("INSERT INTO schema_version (version) VALUES (999)");
  EXPECT_THROW(PostgresStore store(db.url()), std::runtime_error);
}

TEST(PostgresStore, UnreachableServerIsUnavailable) {
  // A port nobody listens on (the server's port, in a database that does not exist, would be
  // a different error); connect_timeout keeps this short.
  std::string url = "postgres://parley@127.0.0.1:1/none";
  EXPECT_THROW(PostgresStore store(url), StoreUnavailable);
}

// Two servers (two stores, each with its own pool) append to one room at once, retrying each
// other's client_ids, while a reader pages forward with messages_after as clients do. Ids must
// become visible in increasing order (the reader never misses one) and no client_id is stored
// twice.
TEST(PostgresStore, ConcurrentAppendsFromTwoServersKeepIdsInCommitOrder) {
  TempDatabase db;
  PostgresStore first(db.url(), 3);
  PostgresStore second(db.url(), 3);
  User alice = *first.create_user("alice", "hash", kNow);
  User bob = *second.create_user("bob", "hash", kNow);
  Room room = *first.create_room("general", false, alice.id, std::nullopt, kNow);
  ASSERT_TRUE(second.add_member(room.id, bob.id, kNow));

  constexpr std::size_t kBatches = 40;
  constexpr std::size_t kBatchSize = 10;
  std::atomic<bool> writing{true};
  std::set<std::int64_t> seen;
  bool order_ok = true;
  std::thread reader([&] {
    std::int64_t after = 0;
    for (bool last = false; !last;) {
      last = !writing.load();  // one more pass after the writers finished
      for (const Message& m : first.messages_after(room.id, after, 1000)) {
        if (m.id <= after) order_ok = false;
        after = m.id;
        seen.insert(m.id);
      }
    }
  });

  // Writer w of store s sends client ids "c<k>" shared by both stores: each is a retry of the
  // other store's message with the same id, from the same sender.
  auto writer = [&](Store& store, const User& sender) {
    std::vector<std::int64_t> ids;
    for (std::size_t b = 0; b < kBatches; ++b) {
      std::vector<NewMessage> batch;
      for (std::size_t i = 0; i < kBatchSize; ++i) {
        std::size_t k = b * kBatchSize + i;
        batch.push_back({room.id, sender.id, label("m", k), label("c", k), {}, {}});
      }
      for (const auto& result : store.append_messages(batch, kNow)) {
        EXPECT_TRUE(result.status == AppendStatus::stored ||
                    result.status == AppendStatus::duplicate);
        ids.push_back(result.message.id);
      }
    }
    return ids;
  };
  auto a1 = std::async(std::launch::async, writer, std::ref(first), std::cref(alice));
  auto a2 = std::async(std::launch::async, writer, std::ref(second), std::cref(alice));
  auto b1 = std::async(std::launch::async, writer, std::ref(second), std::cref(bob));
  auto b2 = std::async(std::launch::async, writer, std::ref(first), std::cref(bob));
  auto alice_1 = a1.get();
  auto alice_2 = a2.get();
  auto bob_1 = b1.get();
  auto bob_2 = b2.get();
  writing = false;
  reader.join();

  // A retry got the very message the other server stored.
  EXPECT_EQ(alice_1, alice_2);
  EXPECT_EQ(bob_1, bob_2);
  constexpr auto kPerSender = static_cast<std::int64_t>(kBatches * kBatchSize);
  EXPECT_EQ(first.count_messages(), 2 * kPerSender);
  EXPECT_EQ(db.exec("SELECT count(DISTINCT (user_id, client_id)) FROM messages"),
            std::to_string(2 * kPerSender));
  EXPECT_TRUE(order_ok);
  // Every stored message was seen by the forward-paging reader: none appeared behind its cursor.
  auto all = first.messages_after(room.id, 0, 10'000);
  ASSERT_EQ(all.size(), static_cast<std::size_t>(2 * kPerSender));
  EXPECT_EQ(seen.size(), all.size());
}

TEST(PostgresStore, KilledConnectionIsUnavailableThenRecovers) {
  TempDatabase db;
  PostgresStore store(db.url(), 1);
  auto alice = store.create_user("alice", "hash", kNow);
  ASSERT_TRUE(alice);
  Room room = *store.create_room("general", false, alice->id, std::nullopt, kNow);

  terminate_sessions(db);
  NewMessage m{room.id, alice->id, "hi", "c-1", {}, {}};
  EXPECT_THROW(store.append_messages({&m, 1}, kNow), StoreUnavailable);
  // The pool reconnected: the next call works and the failed batch stored nothing.
  EXPECT_EQ(store.count_messages(), 0);
  EXPECT_EQ(store.append_messages({&m, 1}, kNow).at(0).status, AppendStatus::stored);

  terminate_sessions(db);
  EXPECT_FALSE(store.ping());
  EXPECT_TRUE(store.ping());
}

// The whole server goes away and comes back (a restart or failover): calls fail with
// StoreUnavailable while it is down, and the store recovers without being reopened.
TEST(PostgresStore, ServerRestartIsUnavailableThenRecovers) {
  TempDatabase db;
  PostgresStore store(db.url(), 2);
  User alice = *store.create_user("alice", "hash", kNow);
  Room room = *store.create_room("general", false, alice.id, std::nullopt, kNow);

  server().stop();
  NewMessage m{room.id, alice.id, "hi", "c-1", {}, {}};
  EXPECT_THROW(store.append_messages({&m, 1}, kNow), StoreUnavailable);
  EXPECT_FALSE(store.ping());
  EXPECT_THROW(store.find_user(alice.id), StoreUnavailable);
  server().start();

  // Connections opened before the restart are dead; each fails once at most, then is replaced.
  bool recovered = false;
  for (int attempt = 0; attempt < 3 && !recovered; ++attempt) recovered = store.ping();
  EXPECT_TRUE(recovered);
  EXPECT_EQ(store.append_messages({&m, 1}, kNow).at(0).status, AppendStatus::stored);
  EXPECT_EQ(store.find_user(alice.id)->username, "alice");
}

// The connection dies in the middle of a batch, after some of its messages were inserted: the
// batch is all or nothing.
TEST(PostgresStore, ConnectionKilledMidBatchStoresNothing) {
  TempDatabase db;
  PostgresStore store(db.url(), 1);
  User alice = *store.create_user("alice", "hash", kNow);
  Room room = *store.create_room("general", false, alice.id, std::nullopt, kNow);

  // Another session inserts client id c-3 without committing: the batch's third insert waits
  // for it (unique index), after the first two went in.
  PGconn* blocker = PQconnectdb(db.url().c_str());
  ASSERT_EQ(PQstatus(blocker), CONNECTION_OK);
  PQclear(PQexec(blocker, "BEGIN"));
  std::string insert = "INSERT INTO messages (room_id, user_id, body, client_id, ts) VALUES (" +
                       std::to_string(room.id) + ", " + std::to_string(alice.id) +
                       ", 'other', 'c-3', 0)";
  PGresult* inserted = PQexec(blocker, insert.c_str());
  ASSERT_EQ(PQresultStatus(inserted), PGRES_COMMAND_OK) << PQresultErrorMessage(inserted);
  PQclear(inserted);

  std::vector<NewMessage> batch = {{room.id, alice.id, "one", "c-1", {}, {}},
                                   {room.id, alice.id, "two", "c-2", {}, {}},
                                   {room.id, alice.id, "three", "c-3", {}, {}}};
  auto append = std::async(std::launch::async, [&] { store.append_messages(batch, kNow); });
  ASSERT_TRUE(eventually([&] {
    return db.exec(
               "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
               "AND wait_event_type = 'Lock'") == "1";
  }));
  terminate_sessions(db, "wait_event_type = 'Lock'");
  EXPECT_THROW(append.get(), StoreUnavailable);
  PQclear(PQexec(blocker, "ROLLBACK"));
  PQfinish(blocker);

  EXPECT_EQ(store.count_messages(), 0);
  auto results = store.append_messages(batch, kNow);
  for (const auto& result : results) EXPECT_EQ(result.status, AppendStatus::stored);
  EXPECT_EQ(store.count_messages(), 3);
}

// A batch longer than one pipeline chunk, mixing verdicts and repeats across chunk boundaries:
// every message gets its own verdict and stored ids follow the batch order.
TEST(PostgresStore, LongBatchesKeepOrderAndVerdicts) {
  TempDatabase db;
  PostgresStore store(db.url());
  User alice = *store.create_user("alice", "hash", kNow);
  User bob = *store.create_user("bob", "hash", kNow);
  Room open = *store.create_room("open", false, alice.id, std::nullopt, kNow);
  Room secret = *store.create_room("secret", true, alice.id, std::nullopt, kNow);

  std::vector<NewMessage> batch;
  for (std::size_t i = 0; i < 600; ++i) {
    switch (i % 4) {
      case 0:  // repeats of ten client ids, the first of each stored
        batch.push_back({open.id, alice.id, label("a", i), label("c", i % 40), {}, {}});
        break;
      case 1:
        batch.push_back({secret.id, alice.id, label("s", i), std::nullopt, {}, {}});
        break;
      case 2:
        batch.push_back({secret.id, bob.id, label("b", i), std::nullopt, {}, {}});
        break;
      default:
        batch.push_back({open.id + 1000, alice.id, "void", std::nullopt, {}, {}});
    }
  }
  auto results = store.append_messages(batch, kNow);
  ASSERT_EQ(results.size(), batch.size());
  std::int64_t last = 0;
  std::map<std::string, std::int64_t> first_of;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const AppendResult& r = results[i];
    if (i % 4 == 0) {
      auto [it, fresh] = first_of.try_emplace(*batch[i].client_id, r.message.id);
      EXPECT_EQ(r.status, fresh ? AppendStatus::stored : AppendStatus::duplicate) << i;
      EXPECT_EQ(r.message.id, it->second) << i;
    } else if (i % 4 == 1) {
      EXPECT_EQ(r.status, AppendStatus::stored) << i;
    } else if (i % 4 == 2) {
      EXPECT_EQ(r.status, AppendStatus::not_member_private) << i;
    } else {
      EXPECT_EQ(r.status, AppendStatus::room_not_found) << i;
    }
    if (r.status == AppendStatus::stored) {
      EXPECT_GT(r.message.id, last) << i;
      last = r.message.id;
      EXPECT_EQ(r.message.body, batch[i].body);
      EXPECT_EQ(r.message.username, "alice");
    }
  }
  EXPECT_EQ(store.count_messages(), 10 + 150);
}

TEST(PostgresStore, UsernamesFoldAsciiOnly) {
  TempDatabase db;
  PostgresStore store(db.url());
  ASSERT_TRUE(store.create_user("Émile", "hash", kNow));
  // Non-ASCII letters are not folded (same as the SQLite store): a different name.
  EXPECT_TRUE(store.create_user("émile", "hash", kNow));
  EXPECT_FALSE(store.create_user("éMILE", "hash", kNow));
  auto found = store.find_user_by_name("ÉMILE");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->username, "Émile");
}

}  // namespace parley::store::test

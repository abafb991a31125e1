#include "store/postgres/postgres_advisory_lock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/postgres/postgres_store.hpp"
#include "store/store_unavailable.hpp"
#include "temp_database.hpp"

namespace parley::store::test {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr std::int64_t kKey = 4242;

// Whether another session could take the lock now (it lets go at once, in the same statement:
// a lock left to the end of its session could outlive the check while that backend exits).
bool lock_is_free(const TempDatabase& db) {
  return db.exec(
             "SELECT CASE WHEN pg_try_advisory_lock(4242) THEN pg_advisory_unlock(4242) "
             "ELSE false END") == "t";
}

TEST(PostgresAdvisoryLock, IsHeldFromAcquireToReleaseAcrossOtherConnectionsCommits) {
  TempDatabase db;
  PostgresStore store(db.url(), 2);
  auto alice = *store.create_user("alice", "hash", kNow);
  auto room = *store.create_room("general", false, alice.id, std::nullopt, kNow);
  std::vector<NewMessage> batch{{room.id, alice.id, "hi", std::nullopt, {}, {}}};
  PostgresAdvisoryLock lock(db.url(), kKey);

  EXPECT_TRUE(lock_is_free(db));
  lock.acquire();
  EXPECT_FALSE(lock_is_free(db));
  ASSERT_EQ(store.append_messages(batch, kNow)[0].status, AppendStatus::stored);
  EXPECT_FALSE(lock_is_free(db));  // the batch committed on a pool connection: still held
  EXPECT_EQ(store.count_messages(), 1);
  lock.release();
  EXPECT_TRUE(lock_is_free(db));
  lock.release();  // not held: a no-op
  EXPECT_TRUE(lock_is_free(db));
}

TEST(PostgresAdvisoryLock, TwoHoldersOfOneKeyTakeTurns) {
  TempDatabase db;
  PostgresAdvisoryLock first(db.url(), kKey);
  PostgresAdvisoryLock second(db.url(), kKey);
  first.acquire();
  std::atomic<bool> second_holds{false};
  std::thread waiter([&] {
    second.acquire();
    second_holds = true;
  });
  // The waiter's session shows up as waiting for the advisory lock before it is let go.
  ASSERT_TRUE(eventually([&] {
    return db.exec("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") ==
           "1";
  }));
  EXPECT_FALSE(second_holds);
  first.release();
  waiter.join();
  EXPECT_TRUE(second_holds);
  EXPECT_FALSE(lock_is_free(db));
  second.release();
  EXPECT_TRUE(lock_is_free(db));
}

TEST(PostgresAdvisoryLock, ALostHeldLockIsDroppedAndTheNextAcquireReconnects) {
  TempDatabase db;
  PostgresAdvisoryLock lock(db.url(), kKey);
  lock.acquire();
  terminate_sessions(db);  // the server let go of the lock with the session
  EXPECT_TRUE(lock_is_free(db));
  lock.release();  // unlocking fails on the dead connection, which is dropped
  lock.acquire();
  EXPECT_FALSE(lock_is_free(db));
  lock.release();
}

TEST(PostgresAdvisoryLock, AConnectionLostWhileIdleIsUnavailableOnceThenReconnects) {
  TempDatabase db;
  PostgresAdvisoryLock lock(db.url(), kKey);
  lock.acquire();
  lock.release();
  terminate_sessions(db);
  EXPECT_THROW(lock.acquire(), StoreUnavailable);  // noticed on use
  EXPECT_TRUE(lock_is_free(db));
  lock.acquire();
  EXPECT_FALSE(lock_is_free(db));
  lock.release();
}

TEST(PostgresAdvisoryLock, AnUnreachableServerIsUnavailable) {
  PostgresAdvisoryLock lock("postgres://parley@127.0.0.1:1/none?connect_timeout=2", kKey);
  EXPECT_THROW(lock.acquire(), StoreUnavailable);
  lock.release();  // never held: a no-op
}

}  // namespace
}  // namespace parley::store::test

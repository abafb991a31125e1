#include "cluster/ordered_publisher.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "../store/temp_dir.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::cluster {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

// Writes what happens to one log: the lock, the store's commits as seen from the lock, the
// callbacks and the inner hooks (where the bus publishes).
struct Log {
  std::vector<std::string> events;
  void add(std::string event) { events.push_back(std::move(event)); }
};

class FakeLock : public store::DatabaseLock {
 public:
  FakeLock(Log& log, store::Store& store) : log_(log), store_(store) {}
  void acquire() override {
    if (fail_next) {
      fail_next = false;
      log_.add("acquire failed");
      throw store::StoreUnavailable("no database");
    }
    std::string event = "acquire, stored: ";
    event += std::to_string(store_.count_messages());
    log_.add(event);
    held = true;
  }
  void release() noexcept override {
    if (!held) return;
    held = false;
    log_.add("release");
  }
  bool held = false;
  bool fail_next = false;

 private:
  Log& log_;
  store::Store& store_;
};

class OrderedPublisherTest : public ::testing::Test {
 protected:
  OrderedPublisherTest() : store_(dir_.file("parley.db"), store::Durability::normal) {
    user_ = store_.create_user("alice", "hash", kNow)->id;
    room_ = store_.create_room("general", false, user_, std::nullopt, kNow)->id;
    auto lock = std::make_unique<FakeLock>(log_, store_);
    lock_ = lock.get();
    publisher_ = std::make_unique<OrderedPublisher>(std::move(lock));
  }
  // The hooks main() gives the writer: the hub's batch around the callbacks, where it publishes.
  store::MessageWriter::BatchHooks hooks() {
    store::MessageWriter::BatchHooks inner;
    inner.before_callbacks = [this] { log_.add("hold events"); };
    inner.after_callbacks = [this] { log_.add(lock_->held ? "publish, locked" : "publish"); };
    return publisher_->wrap(std::move(inner));
  }
  bool submit(store::MessageWriter& writer, const char* body) {
    return writer.submit(store::NewMessage{room_, user_, body, std::nullopt, std::nullopt, {}},
                         [this](const store::AppendResult* r) {
                           log_.add(r != nullptr ? "callback" : "callback, not stored");
                         });
  }

  store::test::TempDir dir_;
  store::SqliteStore store_;
  std::int64_t user_ = 0;
  std::int64_t room_ = 0;
  Log log_;
  FakeLock* lock_ = nullptr;
  std::unique_ptr<OrderedPublisher> publisher_;
};

TEST_F(OrderedPublisherTest, HoldsTheLockFromBeforeTheCommitUntilThePublish) {
  store::MessageWriter writer(store_);
  writer.set_batch_hooks(hooks());
  ASSERT_TRUE(submit(writer, "one"));
  writer.stop();
  std::vector<std::string> expected = {"acquire, stored: 0", "hold events", "callback",
                                       "publish, locked", "release"};
  EXPECT_EQ(log_.events, expected);
  EXPECT_EQ(store_.count_messages(), 1);
}

TEST_F(OrderedPublisherTest, ABatchWithoutTheLockIsNotStoredAndTheNextOneIs) {
  store::MessageWriter writer(store_);
  writer.set_batch_hooks(hooks());
  lock_->fail_next = true;
  ASSERT_TRUE(submit(writer, "one"));
  writer.stop();
  store::MessageWriter again(store_);
  again.set_batch_hooks(hooks());
  ASSERT_TRUE(submit(again, "two"));
  again.stop();
  std::vector<std::string> expected = {"acquire failed",
                                       "callback, not stored",
                                       "acquire, stored: 0",
                                       "hold events",
                                       "callback",
                                       "publish, locked",
                                       "release"};
  EXPECT_EQ(log_.events, expected);
  EXPECT_EQ(store_.count_messages(), 1);
}

TEST_F(OrderedPublisherTest, KeepsTheHooksItWraps) {
  store::MessageWriter::BatchHooks inner;
  inner.before_append = [this] { log_.add(lock_->held ? "inner before, locked" : "inner before"); };
  inner.after_batch = [this] { log_.add(lock_->held ? "inner after, locked" : "inner after"); };
  auto wrapped = publisher_->wrap(std::move(inner));
  wrapped.before_append();
  wrapped.after_batch();
  std::vector<std::string> expected = {"acquire, stored: 0", "inner before, locked",
                                       "inner after, locked", "release"};
  EXPECT_EQ(log_.events, expected);
}

TEST(OrderedPublisher, ReadsTheBatchsAfterOnceTheLockIsHeld) {
  Log log;
  store::test::TempDir dir;
  store::SqliteStore store(dir.file("parley.db"), store::Durability::normal);
  auto lock = std::make_unique<FakeLock>(log, store);
  FakeLock* held = lock.get();
  std::int64_t next = 41;
  OrderedPublisher publisher(std::move(lock), [&] {
    log.add(held->held ? "high water, locked" : "high water");
    return ++next;
  });
  store::MessageWriter::BatchHooks inner;
  inner.after_callbacks = [&] { log.add("after " + std::to_string(publisher.batch_after())); };
  auto hooks = publisher.wrap(std::move(inner));
  for (int batch = 0; batch < 2; ++batch) {
    hooks.before_append();
    hooks.after_callbacks();
    hooks.after_batch();
  }
  std::vector<std::string> expected = {
      "acquire, stored: 0", "high water, locked", "after 42", "release",
      "acquire, stored: 0", "high water, locked", "after 43", "release"};
  EXPECT_EQ(log.events, expected);
}

}  // namespace
}  // namespace parley::cluster

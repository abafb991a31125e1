#include "store/message_writer.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "observability/metrics.hpp"
#include "raw_connection.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "temp_dir.hpp"

namespace parley::store::test {

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

// A real SQLite store with one user who is a member of one room.
class MessageWriterTest : public ::testing::Test {
 protected:
  explicit MessageWriterTest(int busy_timeout_ms = 5000)
      : path_(dir_.file("parley.db")), store_(path_, Durability::normal, busy_timeout_ms) {
    user_ = store_.create_user("alice", "hash", kNow)->id;
    room_ = store_.create_room("general", false, user_, std::nullopt, kNow)->id;
  }

  NewMessage message(std::string body, std::optional<std::string> client_id = std::nullopt) {
    return NewMessage{room_, user_, std::move(body), std::move(client_id), std::nullopt, {}};
  }

  TempDir dir_;
  std::string path_;
  SqliteStore store_;
  std::int64_t user_ = 0;
  std::int64_t room_ = 0;
};

// The same with a short busy timeout, to make the store unavailable quickly.
class MessageWriterUnavailableTest : public MessageWriterTest {
 protected:
  MessageWriterUnavailableTest() : MessageWriterTest(50) {}
};

}  // namespace

TEST_F(MessageWriterTest, ManySubmittersAllCallbacksRunInIdOrder) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 250;
  auto& metrics = obs::metrics();
  std::uint64_t batches_before = metrics.store_batches.value();
  std::uint64_t stored_before = metrics.messages_in.value();
  std::uint64_t latencies_before = metrics.store_latency.count();

  std::mutex mutex;
  std::vector<std::int64_t> ids;  // in callback order
  int failures = 0;
  {
    MessageWriter writer(store_, 64);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          std::string id = std::to_string(t) + "-" + std::to_string(i);
          bool accepted = writer.submit(message("m" + id, "c" + id), [&](const AppendResult* r) {
            std::lock_guard lock(mutex);
            if (r == nullptr || r->status != AppendStatus::stored) {
              ++failures;
              return;
            }
            ids.push_back(r->message.id);
          });
          EXPECT_TRUE(accepted);
        }
      });
    }
    for (auto& thread : threads) thread.join();
    writer.stop();
    EXPECT_EQ(writer.queued(), 0u);
  }

  std::lock_guard lock(mutex);
  EXPECT_EQ(failures, 0);
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kPerThread));
  for (std::size_t i = 1; i < ids.size(); ++i) ASSERT_LT(ids[i - 1], ids[i]) << i;
  EXPECT_EQ(store_.count_messages(), kThreads * kPerThread);
  EXPECT_EQ(metrics.messages_in.value() - stored_before,
            static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(metrics.store_latency.count() - latencies_before,
            static_cast<std::uint64_t>(kThreads * kPerThread));
  std::uint64_t batches = metrics.store_batches.value() - batches_before;
  EXPECT_GE(batches, static_cast<std::uint64_t>(kThreads * kPerThread / 64));
  EXPECT_LE(batches, static_cast<std::uint64_t>(kThreads * kPerThread));
}

TEST_F(MessageWriterTest, StopDrainsEverythingQueued) {
  constexpr int kMessages = 500;
  int done = 0;  // only touched by the writer thread until stop() returns
  MessageWriter writer(store_);
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_TRUE(writer.submit(message("m"), [&](const AppendResult* r) {
      if (r != nullptr && r->status == AppendStatus::stored) ++done;
    }));
  }
  writer.stop();
  EXPECT_EQ(done, kMessages);
  EXPECT_EQ(store_.count_messages(), kMessages);
  EXPECT_FALSE(writer.submit(message("late"), {}));
  writer.stop();  // idempotent
}

TEST_F(MessageWriterTest, DuplicatesAreReportedNotStoredTwice) {
  std::vector<AppendStatus> statuses;
  std::vector<std::int64_t> ids;
  MessageWriter writer(store_);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(writer.submit(message("hello", "same"), [&](const AppendResult* r) {
      ASSERT_NE(r, nullptr);
      statuses.push_back(r->status);
      ids.push_back(r->message.id);
    }));
  }
  writer.stop();
  ASSERT_EQ(statuses.size(), 3u);
  EXPECT_EQ(statuses[0], AppendStatus::stored);
  EXPECT_EQ(statuses[1], AppendStatus::duplicate);
  EXPECT_EQ(statuses[2], AppendStatus::duplicate);
  EXPECT_EQ(ids[1], ids[0]);
  EXPECT_EQ(ids[2], ids[0]);
  EXPECT_EQ(store_.count_messages(), 1);
}

TEST_F(MessageWriterTest, FullQueueRefusesAndBatchesAreCapped) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto& metrics = obs::metrics();

  MessageWriter writer(store_, 4, 10);
  // The first callback holds the writer thread, so everything after it waits in the queue.
  ASSERT_TRUE(writer.submit(message("first"), [&](const AppendResult*) {
    entered.set_value();
    released.wait();
  }));
  entered.get_future().wait();
  std::uint64_t batches_before = metrics.store_batches.value();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(
        writer.submit(message("m"), [&](const AppendResult* r) { ids.push_back(r->message.id); }));
  }
  EXPECT_EQ(writer.queued(), 10u);
  EXPECT_FALSE(writer.submit(message("overflow"), {}));
  release.set_value();
  writer.stop();
  EXPECT_EQ(ids.size(), 10u);
  EXPECT_EQ(metrics.store_batches.value() - batches_before, 3u);  // 4 + 4 + 2
  EXPECT_EQ(store_.count_messages(), 11);
}

TEST_F(MessageWriterUnavailableTest, UnavailableStoreGivesNullResults) {
  RawConnection other(path_);
  other.exec("BEGIN EXCLUSIVE");
  std::promise<const AppendResult*> failed;
  MessageWriter writer(store_);
  ASSERT_TRUE(writer.submit(message("blocked", "c-1"),
                            [&](const AppendResult* r) { failed.set_value(r); }));
  EXPECT_EQ(failed.get_future().get(), nullptr);
  other.exec("ROLLBACK");

  std::promise<AppendStatus> retried;
  ASSERT_TRUE(writer.submit(message("blocked", "c-1"),
                            [&](const AppendResult* r) { retried.set_value(r->status); }));
  EXPECT_EQ(retried.get_future().get(), AppendStatus::stored);
  writer.stop();
  EXPECT_EQ(store_.count_messages(), 1);
}

// Records each hook and callback; `before_append` also notes how many messages were stored then.
struct HookLog {
  std::vector<std::string> events;
  MessageWriter::BatchHooks hooks(SqliteStore& store, bool refuse = false) {
    MessageWriter::BatchHooks h;
    h.before_append = [this, &store, refuse] {
      std::string event = "before_append:";
      event += std::to_string(store.count_messages());
      events.push_back(event);
      if (refuse) throw StoreUnavailable("refused");
    };
    h.before_callbacks = [this] { events.push_back("before_callbacks"); };
    h.after_callbacks = [this] { events.push_back("after_callbacks"); };
    h.after_batch = [this] { events.push_back("after_batch"); };
    return h;
  }
  MessageWriter::Callback callback() {
    return [this](const AppendResult* r) { events.push_back(r ? "stored" : "failed"); };
  }
};

TEST_F(MessageWriterTest, BatchHooksWrapTheTransactionAndTheCallbacksInOrder) {
  HookLog log;
  MessageWriter writer(store_);
  writer.set_batch_hooks(log.hooks(store_));
  ASSERT_TRUE(writer.submit(message("one"), log.callback()));
  writer.stop();
  std::vector<std::string> expected = {"before_append:0", "before_callbacks", "stored",
                                       "after_callbacks", "after_batch"};
  EXPECT_EQ(log.events, expected);
}

TEST_F(MessageWriterTest, BeforeAppendThrowingFailsTheBatchAndAfterBatchStillRuns) {
  HookLog log;
  MessageWriter writer(store_);
  writer.set_batch_hooks(log.hooks(store_, true));
  ASSERT_TRUE(writer.submit(message("one"), log.callback()));
  writer.stop();
  std::vector<std::string> expected = {"before_append:0", "failed", "after_batch"};
  EXPECT_EQ(log.events, expected);
  EXPECT_EQ(store_.count_messages(), 0);
}

TEST_F(MessageWriterUnavailableTest, AFailedTransactionStillRunsAfterBatch) {
  RawConnection other(path_);
  other.exec("BEGIN EXCLUSIVE");
  HookLog log;
  {
    MessageWriter writer(store_);
    writer.set_batch_hooks(log.hooks(store_));
    ASSERT_TRUE(writer.submit(message("blocked"), log.callback()));
    writer.stop();
  }
  other.exec("ROLLBACK");
  std::vector<std::string> expected = {"before_append:0", "failed", "after_batch"};
  EXPECT_EQ(log.events, expected);
}

}  // namespace parley::store::test

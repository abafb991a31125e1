#include "common/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace parley {
namespace {

constexpr auto kDeadline = std::chrono::seconds(10);

TEST(WorkerPool, RunsTasksOffTheCallersThread) {
  WorkerPool pool(2);
  std::promise<std::thread::id> ran_on;
  auto result = ran_on.get_future();
  ASSERT_TRUE(pool.submit([&] { ran_on.set_value(std::this_thread::get_id()); }));
  ASSERT_EQ(result.wait_for(kDeadline), std::future_status::ready);
  EXPECT_NE(result.get(), std::this_thread::get_id());
}

TEST(WorkerPool, AFullQueueRefusesAndStopRunsWhatWasQueued) {
  WorkerPool pool(1, 1);
  std::promise<void> started, release;
  auto started_future = started.get_future();
  auto release_future = release.get_future().share();
  ASSERT_TRUE(pool.submit([&started, release_future] {
    started.set_value();
    release_future.wait();
  }));
  ASSERT_EQ(started_future.wait_for(kDeadline), std::future_status::ready);
  std::atomic<int> queued_ran{0};
  EXPECT_TRUE(pool.submit([&] { ++queued_ran; }));   // the one queue slot
  EXPECT_FALSE(pool.submit([&] { ++queued_ran; }));  // full
  release.set_value();
  pool.stop();
  EXPECT_EQ(queued_ran.load(), 1);
  EXPECT_FALSE(pool.submit([] {}));  // stopped
  pool.stop();                       // idempotent
}

}  // namespace
}  // namespace parley

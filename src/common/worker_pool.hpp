#pragma once
// A fixed set of threads for blocking work (store calls, password hashing) so that nothing blocks a
// network thread. The queue is bounded: a full pool refuses work instead of growing.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace parley {

class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads, std::size_t max_queue = 10'000);
  ~WorkerPool();  // stop()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Thread-safe. false when the queue is full or the pool is stopping.
  bool submit(std::function<void()> task);

  // Runs what is queued, then joins the threads. Idempotent.
  void stop();

 private:
  void run();

  std::size_t max_queue_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace parley

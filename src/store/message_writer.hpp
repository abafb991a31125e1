#pragma once
// Group commit: one writer thread drains a queue of writes (sends, edits, deletions, reactions,
// read positions) in batches, so that one transaction (one fsync) covers everything that was
// waiting, and every change draws its position in the order it is committed.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "store/records.hpp"
#include "store/store.hpp"

namespace parley::store {

class MessageWriter {
 public:
  // Invoked on the writer thread, in commit order (so in position order), after the batch
  // committed. On StoreUnavailable the callback receives nullptr.
  using Callback = std::function<void(const WriteResult* result)>;

  MessageWriter(Store& store, std::size_t max_batch = 512, std::size_t max_queue = 100'000);
  ~MessageWriter();  // stop()
  MessageWriter(const MessageWriter&) = delete;
  MessageWriter& operator=(const MessageWriter&) = delete;

  // Run on the writer thread around every batch, in this order. Set before any submit().
  struct BatchHooks {
    // Before the batch's transaction. Throwing fails the batch: its callbacks receive nullptr.
    std::function<void()> before_append;
    // Around the callbacks of a committed batch, so that the caller can hand everything one
    // batch produces onwards at once.
    std::function<void()> before_callbacks;
    std::function<void()> after_callbacks;
    // Last, after every batch: committed, failed, or refused by before_append.
    std::function<void()> after_batch;
  };
  void set_batch_hooks(BatchHooks hooks);

  // Thread-safe. false when the queue is full or the writer is stopping (caller: `unavailable`).
  bool submit(Write write, Callback done);

  // Commits everything queued, runs the callbacks, then joins the thread. Idempotent.
  void stop();

  std::size_t queued() const;

 private:
  void run();

  struct Pending {
    Write write;
    Callback done;
    std::int64_t submitted_us = 0;  // monotonic, for the store_latency histogram
  };

  Store& store_;
  std::size_t max_batch_;
  std::size_t max_queue_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  BatchHooks hooks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace parley::store

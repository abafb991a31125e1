#include "store/message_writer.hpp"

#include <exception>
#include <vector>

#include "common/clock.hpp"
#include "common/thread_name.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace parley::store {

MessageWriter::MessageWriter(Store& store, std::size_t max_batch, std::size_t max_queue)
    : store_(store),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      max_queue_(max_queue),
      thread_([this] {
        name_this_thread("parley-store");
        run();
      }) {}

MessageWriter::~MessageWriter() {
  stop();
}

bool MessageWriter::submit(Write write, Callback done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queue_) return false;
    queue_.push_back(Pending{std::move(write), std::move(done), monotonic_us()});
  }
  wake_.notify_one();
  return true;
}

void MessageWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  // A callback calling stop() must not join its own thread; the loop ends after this batch.
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

std::size_t MessageWriter::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

namespace {

void run_callback(const MessageWriter::Callback& done, const WriteResult* result) {
  if (!done) return;
  try {
    done(result);
  } catch (const std::exception& e) {
    // One faulty callback must not stop the writer or skip the others.
    obs::log_error("message writer callback threw", {obs::field("error", e.what())});
  }
}

// after_batch, which must run whatever happened to the batch.
void run_after_batch(const std::function<void()>& hook) {
  if (!hook) return;
  try {
    hook();
  } catch (const std::exception& e) {
    obs::log_error("finishing a message batch failed", {obs::field("error", e.what())});
  }
}

}  // namespace

void MessageWriter::set_batch_hooks(BatchHooks hooks) {
  std::lock_guard lock(mutex_);
  hooks_ = std::move(hooks);
}

void MessageWriter::run() {
  std::vector<Pending> batch;
  std::vector<Write> writes;
  BatchHooks hooks;
  bool hooks_taken = false;
  for (;;) {
    batch.clear();
    writes.clear();
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is committed
      if (!hooks_taken) {          // copied once set, so that the batches run them without the lock
        hooks = hooks_;
        hooks_taken = hooks.before_append || hooks.before_callbacks || hooks.after_callbacks ||
                      hooks.after_batch;
      }
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    for (Pending& pending : batch) writes.push_back(std::move(pending.write));

    std::vector<WriteResult> results;
    bool committed = false;
    std::int64_t transaction_us = 0;
    try {
      if (hooks.before_append) hooks.before_append();
      const std::int64_t begin_us = monotonic_us();
      results = store_.write_batch(writes, now_ms());
      transaction_us = monotonic_us() - begin_us;
      committed = results.size() == batch.size();
    } catch (const StoreUnavailable& e) {
      obs::log_warn("message batch not stored",
                    {obs::field("error", e.what()), obs::field("messages", batch.size())});
    } catch (const std::exception& e) {
      obs::log_error("message batch failed",
                     {obs::field("error", e.what()), obs::field("messages", batch.size())});
    }
    if (!committed) {
      for (const Pending& pending : batch) run_callback(pending.done, nullptr);
      run_after_batch(hooks.after_batch);
      continue;
    }

    auto& metrics = obs::metrics();
    metrics.store_batches.add();
    metrics.store_commit.observe_us(static_cast<std::uint64_t>(transaction_us));
    metrics.store_batch_size.observe(batch.size());
    std::int64_t committed_us = monotonic_us();
    std::uint64_t stored = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      metrics.store_latency.observe_us(
          static_cast<std::uint64_t>(committed_us - batch[i].submitted_us));
      if (results[i].status == WriteStatus::stored) ++stored;
    }
    metrics.messages_in.add(stored);
    if (hooks.before_callbacks) hooks.before_callbacks();
    for (std::size_t i = 0; i < batch.size(); ++i) run_callback(batch[i].done, &results[i]);
    if (hooks.after_callbacks) hooks.after_callbacks();
    run_after_batch(hooks.after_batch);
  }
}

}  // namespace parley::store

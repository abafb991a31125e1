#pragma once
// The cluster's order of messages: one lock that all instances share is held from before a commit
// batch's transaction until after its callbacks, so the cluster's commits are serialised and the
// positions they draw (one sequence) follow commit order: once a batch holds the lock, every
// position up to the sequence's current value is committed (or never will be). That value, read
// under the lock, is the batch's `after` (realtime::OrderedBatch): how every instance's
// DeliveryOrder sees that a batch is missing and which positions the store then has to fill.
// A single instance has no bus and needs none of this.

#include <cstdint>
#include <functional>
#include <memory>

#include "store/database_lock.hpp"
#include "store/message_writer.hpp"

namespace parley::cluster {

class OrderedPublisher {
 public:
  // The advisory lock key every instance locks ("parley" + 4; the store uses + 1 to + 3).
  static constexpr std::int64_t kLockKey = 112585834685545476;

  // `high_water`: the position sequence's current value (0 before the first), read once the
  // lock is held; may throw (the batch then fails like an unavailable store). Optional.
  explicit OrderedPublisher(std::unique_ptr<store::DatabaseLock> lock,
                            std::function<std::int64_t()> high_water = {});

  // The current batch's `after`, on the writer thread between before_append and after_batch.
  std::int64_t batch_after() const noexcept { return after_; }

  // `hooks` (which publish the batch's events by the end of after_callbacks) with the lock
  // around them: acquired in before_append, before the store's transaction; released in
  // after_batch, after everything else, for failed batches too.
  store::MessageWriter::BatchHooks wrap(store::MessageWriter::BatchHooks hooks);

 private:
  std::unique_ptr<store::DatabaseLock> lock_;
  std::function<std::int64_t()> high_water_;
  std::int64_t after_ = 0;  // the writer thread's
};

}  // namespace parley::cluster

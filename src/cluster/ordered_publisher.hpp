#pragma once
// The cluster's order of messages: a connection drops a room message whose id is not above the
// last one it sent, so the bus must carry every instance's messages in id order. Ids follow commit
// order (the store serialises drawing ids with COMMIT), but the bus publishes after COMMIT, from
// the batch's callbacks. So one lock that all instances share is held from before a batch's
// transaction until its events were published: one instance's commit + publish finishes before
// any instance draws the next ids. A single instance has no bus and needs none of this.

#include <cstdint>
#include <memory>

#include "store/database_lock.hpp"
#include "store/message_writer.hpp"

namespace parley::cluster {

class OrderedPublisher {
 public:
  // The advisory lock key every instance locks ("parley" + 4; the store uses + 1 to + 3).
  static constexpr std::int64_t kLockKey = 112585834685545476;

  explicit OrderedPublisher(std::unique_ptr<store::DatabaseLock> lock);

  // `hooks` (which publish the batch's events by the end of after_callbacks) with the lock
  // around them: acquired in before_append, before the store's transaction; released in
  // after_batch, after everything else, for failed batches too.
  store::MessageWriter::BatchHooks wrap(store::MessageWriter::BatchHooks hooks);

 private:
  std::unique_ptr<store::DatabaseLock> lock_;
};

}  // namespace parley::cluster

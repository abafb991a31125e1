#pragma once
// In a cluster, the one order in which this instance hands room events to its connections:
// position order per room, no event twice, none missing, whatever the bus does.
//
// Local commit batches come straight from the message writer, remote ones through the bus; both
// carry their place in the cluster's one position sequence (OrderedBatch::after/through, which
// chain because the cluster's commits are serialised). A batch whose `after` is at or below what
// was applied so far (the watermark) is applied at once: each event goes out unless its room
// already got that position. A batch ahead of the watermark means one in between is missing (or
// late): it is held for a short while (kHold), then, or at once while the bus is not healthy, the
// gap is filled from the store for every room with local subscribers (its changes above the last
// position delivered there, as a `join` with `since` catches up) and the held batches follow.
// After the bus reconnects every such room is filled the same way, so what was committed during
// an outage reaches the connections once Redis is back.
//
// Its own thread does all of this (store reads included); local() and remote() only queue.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "domain/message.hpp"
#include "realtime/delivery.hpp"
#include "realtime/remote_relay.hpp"

namespace parley::realtime {

class DeliveryOrder {
 public:
  // Hands one room event to the local connections (Hub's fanout). Thread-safe.
  using Deliver = std::function<void(Delivery)>;
  // The room's changes above `since` in position order, at most `limit` (Store::changes_since).
  // May throw (store unavailable): the gap is then filled on a later try.
  using Changes =
      std::function<std::vector<domain::Message>(std::int64_t room, std::int64_t since, int limit)>;
  // The rooms with local subscribers.
  using Rooms = std::function<std::vector<std::int64_t>()>;
  // Whether the bus is delivering now; while it is not, gaps are filled without waiting.
  using Healthy = std::function<bool()>;

  static constexpr std::chrono::milliseconds kHold{200};
  static constexpr int kPage = 500;

  DeliveryOrder(Deliver deliver, Changes changes, Rooms rooms, Healthy healthy,
                std::chrono::milliseconds hold = kHold);
  ~DeliveryOrder();  // stop()
  DeliveryOrder(const DeliveryOrder&) = delete;
  DeliveryOrder& operator=(const DeliveryOrder&) = delete;

  // `watermark`: the position sequence's value at start (every batch up to it is history that
  // joins show); unknown, the first batch received sets it.
  void start(std::optional<std::int64_t> watermark = std::nullopt);
  void stop();  // idempotent; what is still queued is dropped (the process is stopping)

  // Thread-safe; each only queues.
  void local(OrderedBatch batch);
  void remote(OrderedBatch batch);
  // The bus was away (reconnected): fill every subscribed room from the store.
  void resync();

  // Gap fills done (for tests and logs).
  std::uint64_t fills() const;

 private:
  struct Held {
    OrderedBatch batch;
    std::chrono::steady_clock::time_point since;
  };

  void run();
  // Applies the held batches the watermark reaches; true when one is left waiting on a gap.
  bool apply_ready();
  void apply(const OrderedBatch& batch);
  // Fills every subscribed room from the store; false when the store failed.
  bool fill();

  Deliver deliver_;
  Changes changes_;
  Rooms rooms_;
  Healthy healthy_;
  std::chrono::milliseconds hold_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<OrderedBatch> inbox_;  // guarded by mutex_
  bool resync_ = false;              // guarded by mutex_
  bool stopping_ = false;            // guarded by mutex_
  std::uint64_t fills_ = 0;          // guarded by mutex_
  std::thread thread_;

  // The thread's own state.
  std::multimap<std::int64_t, Held> held_;               // by `after`
  std::optional<std::int64_t> watermark_;                // every batch up to it applied (or filled)
  std::unordered_map<std::int64_t, std::int64_t> last_;  // room -> last position delivered
};

}  // namespace parley::realtime

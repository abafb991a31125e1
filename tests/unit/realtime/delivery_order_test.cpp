#include "realtime/delivery_order.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

namespace parley::realtime {
namespace {

using namespace std::chrono_literals;

// What the order handed out, (room, position), and a store of messages to fill from.
class Harness {
 public:
  explicit Harness(std::chrono::milliseconds hold = 10s,
                   std::optional<std::int64_t> watermark = std::nullopt)
      : order_([this](Delivery d) { record(d); },
               [this](std::int64_t room, std::int64_t since, int limit) {
                 return changes(room, since, limit);
               },
               [this] {
                 std::lock_guard lock(mutex_);
                 return rooms_;
               },
               [this] {
                 std::lock_guard lock(mutex_);
                 return healthy_;
               },
               hold) {
    order_.start(watermark);
  }

  DeliveryOrder& order() { return order_; }

  // A stored message at `position` (a new one: id = position).
  void store(std::int64_t room, std::int64_t position) {
    std::lock_guard lock(mutex_);
    domain::Message m;
    m.id = position;
    m.room_id = room;
    stored_.push_back(m);
  }
  void set_rooms(std::vector<std::int64_t> rooms) {
    std::lock_guard lock(mutex_);
    rooms_ = std::move(rooms);
  }
  void set_healthy(bool healthy) {
    std::lock_guard lock(mutex_);
    healthy_ = healthy;
  }
  void fail_store(bool fail) {
    std::lock_guard lock(mutex_);
    fail_ = fail;
  }

  // Waits (bounded) until `n` events went out; returns them all.
  std::vector<std::pair<std::int64_t, std::int64_t>> wait_for(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 5s, [&] { return delivered_.size() >= n; });
    return delivered_;
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> delivered() {
    std::lock_guard lock(mutex_);
    return delivered_;
  }

 private:
  void record(const Delivery& d) {
    {
      std::lock_guard lock(mutex_);
      delivered_.emplace_back(d.room_id, d.position);
    }
    changed_.notify_all();
  }
  std::vector<domain::Message> changes(std::int64_t room, std::int64_t since, int limit) {
    std::lock_guard lock(mutex_);
    if (fail_) throw std::runtime_error("store unavailable");
    std::vector<domain::Message> out;
    for (const auto& m : stored_)
      if (m.room_id == room && m.position() > since && static_cast<int>(out.size()) < limit)
        out.push_back(m);
    return out;
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::pair<std::int64_t, std::int64_t>> delivered_;
  std::vector<domain::Message> stored_;
  std::vector<std::int64_t> rooms_;
  bool healthy_ = true;
  bool fail_ = false;
  DeliveryOrder order_;  // last: its thread uses the members above
};

OrderedBatch batch(std::int64_t after, std::vector<std::pair<std::int64_t, std::int64_t>> events) {
  OrderedBatch b;
  b.after = after;
  b.through = after;
  for (auto [room, position] : events) {
    b.events.push_back(Delivery::room_event(room, position, 0, nullptr));
    b.through = std::max(b.through, position);
  }
  return b;
}

using Events = std::vector<std::pair<std::int64_t, std::int64_t>>;

TEST(DeliveryOrder, ChainedBatchesGoOutAtOnceInOrder) {
  Harness h;
  h.order().local(batch(10, {{1, 11}, {2, 12}}));
  h.order().remote(batch(12, {{1, 13}}));
  h.order().local(batch(13, {{1, 14}}));
  EXPECT_EQ(h.wait_for(4), (Events{{1, 11}, {2, 12}, {1, 13}, {1, 14}}));
}

TEST(DeliveryOrder, AWatermarkFromTheStartHoldsAFirstBatchThatIsAheadOfIt) {
  Harness h(10s, 10);
  h.order().remote(batch(11, {{1, 12}}));  // the batch drawing 11 is still on its way
  h.order().local(batch(10, {{1, 11}}));
  EXPECT_EQ(h.wait_for(2), (Events{{1, 11}, {1, 12}}));
}

TEST(DeliveryOrder, ABatchAheadOfAGapWaitsForTheMissingOne) {
  Harness h;
  h.order().local(batch(10, {{1, 11}}));
  h.order().local(batch(13, {{1, 14}}));  // 12..13 missing
  EXPECT_EQ(h.wait_for(1), (Events{{1, 11}}));
  h.order().remote(batch(11, {{1, 12}, {1, 13}}));
  EXPECT_EQ(h.wait_for(4), (Events{{1, 11}, {1, 12}, {1, 13}, {1, 14}}));
  EXPECT_EQ(h.order().fills(), 0u);
}

TEST(DeliveryOrder, AGapThatStaysOpenIsFilledFromTheStoreAndTheLateBatchIsNotRepeated) {
  Harness h(50ms);
  h.set_rooms({1});
  h.order().local(batch(10, {{1, 11}}));
  EXPECT_EQ(h.wait_for(1), (Events{{1, 11}}));
  // 12 and 13 were committed elsewhere; their batch is lost for now.
  h.store(1, 12);
  h.store(1, 13);
  h.store(1, 14);
  h.order().local(batch(13, {{1, 14}}));
  EXPECT_EQ(h.wait_for(4), (Events{{1, 11}, {1, 12}, {1, 13}, {1, 14}}));
  EXPECT_EQ(h.order().fills(), 1u);
  // The lost batch turns up after all: nothing twice.
  h.order().remote(batch(11, {{1, 12}, {1, 13}}));
  h.order().local(batch(14, {{1, 15}}));
  EXPECT_EQ(h.wait_for(5), (Events{{1, 11}, {1, 12}, {1, 13}, {1, 14}, {1, 15}}));
}

TEST(DeliveryOrder, WhileTheBusIsDownAGapIsFilledWithoutWaiting) {
  Harness h;  // a hold of 10 s: only the bus's health can make it fill in time
  h.set_rooms({1, 2});
  h.order().local(batch(10, {{1, 11}}));
  EXPECT_EQ(h.wait_for(1), (Events{{1, 11}}));
  h.set_healthy(false);
  h.store(2, 12);  // another instance's commit, in a room with local subscribers
  h.order().local(batch(12, {{1, 13}}));
  EXPECT_EQ(h.wait_for(3), (Events{{1, 11}, {2, 12}, {1, 13}}));
}

TEST(DeliveryOrder, AResyncFillsEverySubscribedRoomOnly) {
  Harness h(50ms);
  h.set_rooms({1, 2});
  h.order().local(batch(10, {{1, 11}}));
  EXPECT_EQ(h.wait_for(1), (Events{{1, 11}}));
  h.store(1, 12);
  h.store(2, 13);
  h.store(3, 14);  // nobody here follows room 3
  h.fail_store(true);
  h.order().resync();
  h.fail_store(false);
  EXPECT_EQ(h.wait_for(3), (Events{{1, 11}, {1, 12}, {2, 13}}));
}

}  // namespace
}  // namespace parley::realtime

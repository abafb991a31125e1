#pragma once
// The cluster bus on Redis pub/sub: relays this instance's hub events to every other instance on
// the channel and applies theirs to the local hub.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "cluster/redis_url.hpp"
#include "realtime/hub.hpp"
#include "realtime/remote_relay.hpp"

struct redisContext;

namespace parley::cluster {

class RedisBus : public realtime::RemoteRelay {
 public:
  // Throws std::invalid_argument for a bad URL. Connects nothing until start().
  RedisBus(const std::string& url, realtime::Hub& hub, std::string channel = "parley:events");
  ~RedisBus() override;  // stop()
  RedisBus(const RedisBus&) = delete;
  RedisBus& operator=(const RedisBus&) = delete;

  // The publisher thread's queue, in events: past it, best-effort events (typing, presence) are
  // shed (counted in parley_bus_events_shed_total); everything else is queued anyway.
  static constexpr std::size_t kMaxQueued = 10'000;

  // Starts the subscriber and publisher threads (both keep reconnecting). Does not wait for
  // Redis: readiness tells when the bus works.
  void start();
  // Publishes what is queued (as far as Redis takes it), ends both threads and closes both
  // connections. Idempotent.
  void stop();

  // Never touches Redis on the caller's thread: the event is queued (FIFO) to the bus's one
  // publisher thread, which publishes everything queued meanwhile as one pipeline, so the order
  // of forward calls is the order on the channel. A failed publish reconnects and retries once;
  // while Redis is unreachable, events are dropped and counted (a commit batch's room events are
  // filled in from the store by every instance's DeliveryOrder once the bus is back). Thread-safe.
  // Returns 0: counts on other instances are not known.
  // Inside a batch (on the thread that began it), events are held and queued together in
  // end_batch. The writer never waits for Redis: local connections get the batch from the hub.
  std::size_t forward(const realtime::RemoteEvent& event) override;
  void forward_batch(const realtime::OrderedBatch& batch) override;
  void begin_batch() override;
  void end_batch() override;

  // Subscribed to the channel and the publisher not failing: for /readyz. Thread-safe.
  bool connected() const noexcept { return subscribed_ && !publisher_failed_; }

 private:
  // What the publisher thread takes from the queue: one event, or one batch's events.
  struct Queued {
    std::vector<std::string> payloads;
  };
  // Queues an item; false (and nothing queued) when `best_effort` and the queue is full.
  bool enqueue(Queued item, bool best_effort);
  void run_publisher();

  redisContext* connect(std::chrono::milliseconds timeout);
  // Publishes in one pipeline, retrying what is left once on a fresh connection.
  void publish_all_locked(std::span<const std::string> payloads);
  // Publishes payloads[from..] in one pipeline; returns how many Redis answered. Drops a
  // connection that fails, so the caller may retry the rest once on a fresh one.
  std::size_t publish_pipelined_locked(std::span<const std::string> payloads, std::size_t from);
  bool ensure_publisher_locked();
  void reopen_publisher();
  void run_subscriber();
  void receive_on(redisContext* context);
  void on_message(const char* data, std::size_t size);
  bool wait_stopping(std::chrono::milliseconds delay);

  RedisUrl url_;
  realtime::Hub& hub_;
  std::string channel_;
  std::string instance_id_;

  std::mutex publisher_mutex_;
  redisContext* publisher_ = nullptr;                     // guarded by publisher_mutex_
  std::chrono::steady_clock::time_point next_attempt_{};  // guarded by publisher_mutex_
  std::atomic<bool> publisher_failed_{false};

  std::mutex queue_mutex_;
  std::condition_variable queue_wake_;
  std::deque<Queued> queue_;         // guarded by queue_mutex_
  std::size_t queued_events_ = 0;    // payloads in queue_, guarded by queue_mutex_
  bool publisher_stopping_ = false;  // guarded by queue_mutex_
  bool accepting_ = false;           // the publisher thread runs; guarded by queue_mutex_
  std::thread publisher_thread_;

  std::mutex stop_mutex_;
  std::condition_variable stop_wake_;
  bool stopping_ = false;  // guarded by stop_mutex_
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> subscribed_{false};
  std::thread subscriber_;
};

}  // namespace parley::cluster

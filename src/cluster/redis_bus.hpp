#pragma once
// The cluster bus on Redis pub/sub: relays this instance's hub events to every other instance on
// the channel and applies theirs to the local hub.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
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

  // Starts the subscriber thread (which keeps reconnecting) and opens the publisher. Does not
  // wait for Redis: readiness tells when the bus works.
  void start();
  // Ends the subscriber thread and closes both connections. Idempotent.
  void stop();

  // Publishes synchronously, so that the caller's order is the order on the channel (the cluster's
  // message order rests on it, see cluster/ordered_publisher.hpp). A failed publish reconnects
  // and retries once; while Redis is unreachable, events are dropped (connections catch up
  // through history). Thread-safe. Returns 0: counts on other instances are not known.
  // Inside a batch (on the thread that began it), events are held and published in end_batch as
  // one pipeline: one round trip for the whole commit batch instead of one per message. Outside
  // one (typing, presence, notifications) an event is a pipeline of one.
  std::size_t forward(const realtime::RemoteEvent& event) override;
  void begin_batch() override;
  void end_batch() override;
  // Room messages come back through Redis to this instance too: every instance then delivers
  // them in the one order Redis saw, which is commit (id) order.
  bool loops_back_messages() const noexcept override { return true; }

  // Subscribed to the channel and the publisher not failing: for /readyz. Thread-safe.
  bool connected() const noexcept { return subscribed_ && !publisher_failed_; }

 private:
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

  std::mutex stop_mutex_;
  std::condition_variable stop_wake_;
  bool stopping_ = false;  // guarded by stop_mutex_
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> subscribed_{false};
  std::thread subscriber_;
};

}  // namespace parley::cluster

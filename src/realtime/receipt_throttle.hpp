#pragma once
// Read receipts that cannot become a storm: at most one `receipt` per member per room per second.
// A move inside the window is held and sent when it ends, carrying the latest position (moves
// coalesce). Thread-safe: moves arrive on the message writer's thread, held ones leave from a
// timer.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace parley::realtime {

class ReceiptThrottle {
 public:
  // Sends one receipt (room, user id, username, position). Called without the throttle's lock.
  using Send = std::function<void(std::int64_t room_id, std::int64_t user_id,
                                  const std::string& username, std::int64_t last_read)>;
  // Runs a task after a delay, on some other thread.
  using Schedule = std::function<void(std::chrono::milliseconds delay, std::function<void()> task)>;
  using Clock = std::function<std::int64_t()>;  // monotonic milliseconds

  ReceiptThrottle(Send send, Schedule schedule, Clock clock,
                  std::chrono::milliseconds interval = std::chrono::milliseconds(1000));

  // The member's read position of the room moved to `last_read`.
  void moved(std::int64_t room_id, std::int64_t user_id, const std::string& username,
             std::int64_t last_read);

  // Members with a receipt held or sent within the interval (for tests and metrics).
  std::size_t tracked() const;

 private:
  struct Member {
    std::int64_t last_sent_ms = 0;
    bool held = false;  // a move waits for the window's end (a timer is armed)
    std::string username;
    std::int64_t last_read = 0;
  };
  using Key = std::pair<std::int64_t, std::int64_t>;  // room, user

  void window_ended(Key key);
  void forget_quiet(std::int64_t now_ms);  // under mutex_

  Send send_;
  Schedule schedule_;
  Clock clock_;
  std::int64_t interval_ms_;
  mutable std::mutex mutex_;
  std::map<Key, Member> members_;
};

}  // namespace parley::realtime

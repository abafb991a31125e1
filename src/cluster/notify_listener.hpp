#pragma once
// --listen-channel NAME (PostgreSQL only): the seeds' model listeners. Parley LISTENs on NAME and
// turns each `NOTIFY NAME, '{"user"|"users"|"room"|"role": ..., "event", "data"}'` into a
// notification, validated as POST /api/publish validates its body. Every instance of a cluster
// listens and delivers to its own connections only (never relayed), so each connection receives a
// notification once. An invalid payload is logged and counted, never fatal; a lost connection is
// reopened (notifications sent meanwhile are not seen: NOTIFY is not stored).

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "realtime/hub.hpp"

namespace parley::cluster {

class NotifyListener {
 public:
  NotifyListener(std::string database_url, std::string channel, realtime::Hub& hub);
  ~NotifyListener();  // stop()
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  void start();
  void stop();

  // Applies one payload (the listener thread calls it for each notification). Returns whether it
  // was valid and delivered. Thread-safe.
  bool handle(std::string_view payload);

  // Listening now: the connection is open and LISTEN succeeded.
  bool listening() const noexcept { return listening_; }

 private:
  void run();
  bool wait_stopping(int milliseconds);

  std::string url_;
  std::string channel_;
  realtime::Hub& hub_;
  std::atomic<bool> listening_{false};
  std::atomic<bool> stop_requested_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace parley::cluster

#pragma once
// Fills rooms with N messages quickly (spread round-robin over them): a few WebSocket connections
// of one member of every room, each keeping a window of unacked sends in flight (the server's
// rate limit must allow it).

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "client/api_client.hpp"
#include "client/fleet_handler.hpp"
#include "config/options.hpp"

namespace parley::bench {

class HistorySeeder : public FleetHandler {
 public:
  // `mention`: a username every 50th message names (`@name`), none when empty.
  HistorySeeder(const Options& o, const Account& sender, std::vector<std::int64_t> rooms,
                std::string mention = {})
      : o_(o), sender_(sender), rooms_(std::move(rooms)), mention_(std::move(mention)) {}

  // Sends `count` messages and waits for their acks; throws BenchError when it cannot.
  void seed(std::uint64_t count);

  void on_ready(std::size_t slot, std::size_t thread) override;
  void on_frame(std::size_t slot, std::size_t thread, const JsonFields& frame,
                std::string_view text) override;
  void on_lost(std::size_t slot, std::size_t thread, std::string_view reason) override;

 private:
  void send_next(std::size_t slot);

  const Options& o_;
  const Account& sender_;
  std::vector<std::int64_t> rooms_;
  std::string mention_;
  class Fleet* fleet_ = nullptr;
  class EventLoops* loops_ = nullptr;
  std::uint64_t target_ = 0;
  std::atomic<std::uint64_t> claimed_{0};  // sends handed out
  std::atomic<std::uint64_t> acked_{0};
  std::atomic<std::uint64_t> refused_{0};
  std::atomic<std::uint64_t> lost_connections_{0};
  std::mutex m_;
  std::map<std::string, std::uint64_t> refusals_;  // by error code, under m_
};

}  // namespace parley::bench

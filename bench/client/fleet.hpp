#pragma once
// A set of WebSocket connections spread over one process's event loops, opened with a bounded
// number of handshakes in flight; each is authenticated (?token= or auth frame) and, when given
// a room, joined to it before the scenario's FleetHandler sees it. With several --url, each
// connection goes to one instance.

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/event_loops.hpp"
#include "client/ws_listener.hpp"
#include "config/options.hpp"

namespace parley::bench {

class FleetHandler;
class WsClient;

class Fleet : public WsListener {
 public:
  Fleet(const Options& o, EventLoops& loops, FleetHandler& handler);
  ~Fleet() override;

  // Adds a connection (not opened yet); `global_index` picks its source address and, unless
  // `server` names one, its instance (global_index % instances). Returns its slot.
  std::size_t add(std::string token, std::int64_t room, std::size_t global_index,
                  std::optional<std::size_t> server = std::nullopt);
  // Opens every slot, `concurrency` handshakes at a time, and waits until each is ready or has
  // failed, at most `timeout_s`. Returns the number ready.
  std::size_t open_all(std::size_t concurrency, double timeout_s);

  // On the slot's thread only:
  void start(std::size_t slot);  // (re)opens the slot
  void send(std::size_t slot, std::string_view text);
  void close(std::size_t slot, bool abortive);

  // Closes every connection without reporting them lost.
  void close_all();

  std::size_t size() const noexcept { return slots_.size(); }
  std::size_t thread_of(std::size_t slot) const noexcept { return slot % loops_.size(); }
  std::int64_t started_ns(std::size_t slot) const noexcept { return slots_[slot].started_ns; }
  // Failure reasons of connections that never became ready, counted; clears them.
  std::map<std::string, std::uint64_t> take_failures();

  void on_open(WsClient& client) override;
  void on_text(WsClient& client, std::string_view text) override;
  void on_closed(WsClient& client, std::string_view reason) override;

 private:
  enum class Stage : std::uint8_t { idle, opening, ready, closed };
  struct Slot {
    std::shared_ptr<WsClient> ws;
    std::string token;
    std::int64_t room = 0;
    std::size_t global_index = 0;
    std::size_t server = 0;  // index into servers_
    std::int64_t started_ns = 0;
    Stage stage = Stage::idle;
  };
  struct ThreadQueue {
    std::vector<std::size_t> pending;
    std::size_t next = 0;
    std::size_t in_flight = 0;
    std::size_t budget = 1;
  };

  void became_ready(std::size_t slot);
  void opening_failed(std::size_t slot, std::string_view reason);
  void opened_one(std::size_t thread);
  void pump(std::size_t thread);

  const Options& o_;
  EventLoops& loops_;
  FleetHandler& handler_;
  struct Server {
    boost::asio::ip::tcp::endpoint endpoint;
    std::string host_header;
  };
  std::vector<Server> servers_;
  std::vector<std::optional<boost::asio::ip::address>> sources_;
  std::vector<Slot> slots_;
  std::vector<ThreadQueue> queues_;
  std::atomic<bool> closing_{false};
  std::mutex m_;
  std::condition_variable cv_;
  std::size_t settled_ = 0;  // slots ready or failed during open_all (under m_)
  std::size_t to_settle_ = 0;
  std::map<std::string, std::uint64_t> failures_;  // under m_
};

}  // namespace parley::bench

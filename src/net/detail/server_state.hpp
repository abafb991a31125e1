#pragma once
// What every session of one Server shares: configuration, handler, threads and counters.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <vector>

#include "net/detail/flush_queue.hpp"
#include "net/detail/session_base.hpp"
#include "net/server.hpp"

namespace parley::net::detail {

// One network thread: its io_context and the sessions living on it.
struct ThreadState {
  // Declared first, destroyed last: sessions destroyed with the io_context's pending handlers
  // still unlink themselves from it.
  SessionList sessions;
  boost::asio::io_context ioc{1};
  FlushQueue flushes{ioc};  // destroyed before ioc: its posted task only holds a pointer
};

class ServerState {
 public:
  ServerState(ServerConfig cfg, HttpHandler& h) : config(std::move(cfg)), handler(h) {}

  // Called by each detach; stops the server once closing and no session is left.
  void session_detached() noexcept {
    if (live.fetch_sub(1, std::memory_order_acq_rel) == 1 && closing.load()) on_drained();
  }

  const ServerConfig config;
  HttpHandler& handler;
  std::vector<std::unique_ptr<ThreadState>> threads;
  std::unique_ptr<boost::asio::ssl::context> tls;  // set: HTTPS/WSS
  // Shared while a connection's SSL is created from `tls`, exclusive while a reload replaces its
  // certificate (an SSL copies the certificate when it is created, so handshakes need no lock).
  std::shared_mutex tls_mutex;
  std::atomic<std::size_t> live{0};  // attached sessions, all threads
  std::atomic<std::size_t> websockets{0};
  std::atomic<std::uint64_t> next_connection_id{1};
  std::atomic<bool> closing{false};  // shutdown's close phase has begun
  std::function<void()> on_drained;  // set before closing; thread-safe and idempotent
};

}  // namespace parley::net::detail

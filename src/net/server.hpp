#pragma once
// The network front: N threads with one io_context each, a listener, HTTP sessions and WebSocket
// sessions. Knows bytes, HTTP and frames; nothing about chat.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "net/http_handler.hpp"

namespace parley::net {

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: an ephemeral port, see Server::port()
  std::size_t threads = 0;    // 0: hardware concurrency
  std::size_t max_body_bytes = 1 << 20;
  // The largest body a BodySink may take (the parser must let such a header through).
  std::uint64_t max_streamed_body_bytes = 0;
  std::size_t max_header_bytes = 16 << 10;
  std::size_t max_header_count = 100;
  std::size_t max_requests_per_connection = 1000;  // then the response says Connection: close
  std::size_t max_frame_bytes = 64 << 10;          // also caps a reassembled message
  std::size_t max_outbound_bytes = 4 << 20;        // slow-consumer cap: close 1013 beyond it
  std::chrono::milliseconds ping_interval{30'000};
  std::chrono::milliseconds idle_timeout{75'000};
  // TLS handshake, and each HTTP request: waiting for it and reading it in full.
  std::chrono::milliseconds request_timeout{10'000};
  // From the shutdown signal to the end of run(), at most: flushing the message writer, closing
  // every connection and waiting for them. Whatever is still open then is cut.
  std::chrono::milliseconds shutdown_drain{5'000};
  std::string tls_cert_file;  // both set: HTTPS/WSS only
  std::string tls_key_file;
};

// Called once shutdown has stopped accepting, on a thread that may block: flush what was
// acknowledged (e.g. drain the message writer) before WebSockets are closed with 1001.
using BeforeClose = std::function<void()>;

class Server {
 public:
  Server(ServerConfig config, HttpHandler& handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; throws std::runtime_error on failure. Raises RLIMIT_NOFILE to its hard
  // limit.
  void start();

  // The bound port (useful with port 0). Valid after start().
  std::uint16_t port() const noexcept;

  // Runs `fn` on network thread `index`. Thread-safe. Handlers posted from one thread to one index
  // run in the order they were posted.
  void post(std::size_t index, std::function<void()> fn);
  // Runs `fn` on network thread `index` after `delay` (not at all once the threads stopped).
  // Thread-safe.
  void post_after(std::size_t index, std::chrono::milliseconds delay, std::function<void()> fn);

  // Runs the network threads (one of them is the caller's) until shutdown completes.
  // SIGINT/SIGTERM trigger shutdown(): stop accepting, before_close(), close every WebSocket with
  // 1001 after its queued frames, wait for connections up to shutdown_drain, stop.
  void run(BeforeClose before_close);

  // Runs `hook` on SIGHUP (on network thread 0, in registration order; a hook that throws is
  // logged and the next one still runs). Register before run(). What reloads on SIGHUP is listed
  // in docs/operations.md.
  void on_hangup(std::function<void()> hook);

  // Same as a signal; thread-safe.
  void request_shutdown();

  // Loads the certificate chain and key files again (TLS only; SIGHUP does it): connections made
  // from then on present the new certificate, open ones keep theirs. Throws std::runtime_error,
  // keeping the current certificate, when the files do not load or do not match. Thread-safe.
  void reload_tls();

  // Number of open WebSocket connections (all threads). Thread-safe.
  std::size_t websocket_count() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::net

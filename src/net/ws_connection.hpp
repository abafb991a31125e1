#pragma once
// The WebSocket seam: what net/ offers a connected peer (WsConnection) and what it calls
// (WsHandler).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace parley::net {

// A complete server-to-client WebSocket frame (header + unmasked payload), encoded once and shared
// by every connection it is queued to.
using SharedFrame = std::shared_ptr<const std::string>;

// Encodes `payload` as one final text frame.
SharedFrame make_text_frame(std::string_view payload);

// What became of a frame handed to WsConnection::send.
enum class SendResult {
  queued,   // it will be written
  dropped,  // it would have taken the unsent bytes over the outbound cap: the connection closes
            // 1013
  closing,  // the connection is closing or closed: nothing more is queued
};

// One accepted WebSocket connection. Lives on one network thread for its whole life; every member
// function must be called on that thread unless it says otherwise.
class WsConnection {
 public:
  virtual ~WsConnection() = default;

  // Queues a frame. Everything queued before the next write is sent with one gathered write.
  // A frame that would take the unsent bytes over the outbound cap is dropped and the connection
  // closed with 1013 (later, on its own thread: never inside the caller's loop). Pings and pongs
  // count against the same cap.
  [[nodiscard]] virtual SendResult send(SharedFrame frame) = 0;

  // Starts the closing handshake with `code` after what is already queued; idempotent.
  virtual void close(std::uint16_t code, std::string_view reason) = 0;

  // Runs `fn` on this connection's thread after `delay`, unless the connection has closed by then.
  virtual void after(std::chrono::milliseconds delay, std::function<void()> fn) = 0;

  // Index of the network thread that owns this connection (0 .. threads-1).
  virtual std::size_t thread_index() const noexcept = 0;

  // Bytes queued and not yet written (the admin page's outbound queue).
  virtual std::size_t queued_bytes() const noexcept { return 0; }
  // The close code sent or echoed; 1006 while none was (or when the connection just ended).
  virtual std::uint16_t close_code() const noexcept { return 1006; }
};

// Receives a connection's events, always on the connection's thread. Owned by the connection.
class WsHandler {
 public:
  virtual ~WsHandler() = default;

  // The handshake has completed; `connection` stays valid until on_closed() returns.
  virtual void on_open(std::shared_ptr<WsConnection> connection) = 0;

  // A complete text message (reassembled, size-capped, valid UTF-8).
  virtual void on_text(std::string_view payload) = 0;

  // The connection is gone (any reason). No further calls follow; drop every reference to it.
  virtual void on_closed() = 0;
};

}  // namespace parley::net

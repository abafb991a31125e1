#pragma once
// One client WebSocket connection on a raw Asio TCP socket (or TLS over it, see client_tls.hpp):
// it sends the upgrade request, then
// writes masked frames (everything queued in one loop turn goes out in one write) and parses
// the server's unmasked frames from a small buffer that grows only for large messages.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace parley::bench {

class WsListener;

class WsClient : public std::enable_shared_from_this<WsClient> {
 public:
  using tcp = boost::asio::ip::tcp;

  WsClient(boost::asio::io_context& io, WsListener& listener, std::uint64_t tag);
  ~WsClient();

  // Connects (from `source` when given) and sends `GET request_target` as an upgrade, with
  // `extra_headers` (complete "Name: value\r\n" lines) after the standard ones.
  void start(const tcp::endpoint& server, const std::optional<boost::asio::ip::address>& source,
             std::string_view host_header, std::string_view request_target,
             std::string_view extra_headers = {});
  // Queues a text frame; the flush is posted so that a burst is written with one syscall.
  void send_text(std::string_view payload);
  // Ends the connection. `abortive` resets it (no TIME_WAIT), for connection-rate tests.
  void close(bool abortive = false);

  bool is_open() const noexcept { return state_ == State::open; }
  std::uint64_t tag() const noexcept { return tag_; }
  std::size_t queued_bytes() const noexcept { return out_.size() + writing_.size(); }

 private:
  enum class State { connecting, upgrading, open, closed };

  void on_connect(const boost::system::error_code& ec);
  void on_secure(const boost::system::error_code& ec);
  void do_write();
  void on_write(const boost::system::error_code& ec);
  void do_read();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  bool consume_upgrade_response();
  bool consume_frames();
  void send_control(std::uint8_t opcode, std::string_view payload);
  void fail(std::string_view reason);
  std::uint32_t next_mask() noexcept;

  tcp::socket socket_;
  std::unique_ptr<boost::asio::ssl::stream<tcp::socket&>> tls_;  // set: TLS over socket_
  WsListener& listener_;
  std::uint64_t tag_;
  State state_ = State::connecting;
  std::string out_;      // frames queued since the last write started
  std::string writing_;  // the bytes of the write in flight
  bool write_pending_ = false;
  bool flush_posted_ = false;
  std::unique_ptr<char[]> rbuf_;
  std::size_t rcap_ = 0;
  std::size_t rlen_ = 0;
  std::string fragments_;  // a fragmented message being reassembled
  std::uint64_t mask_state_;
};

}  // namespace parley::bench

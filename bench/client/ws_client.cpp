#include "client/ws_client.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <cstring>

#include "client/client_tls.hpp"
#include "client/ws_frame_codec.hpp"
#include "client/ws_listener.hpp"
#include "measure/clock.hpp"

namespace parley::bench {
namespace asio = boost::asio;
namespace {

constexpr std::size_t initial_read_capacity = 4096;
constexpr std::size_t max_read_capacity = std::size_t{16} << 20;

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif
// Binding a source address picks the port at connect(), per destination, not at bind(): without
// it every bound socket would use a port from one shared pool.
using bind_no_port = asio::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>;

std::string base64_of_16(const unsigned char* in) {
  static constexpr char table[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (int i = 0; i < 16; i += 3) {
    const unsigned v =
        (in[i] << 16) | (i + 1 < 16 ? in[i + 1] << 8 : 0) | (i + 2 < 16 ? in[i + 2] : 0);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += i + 1 < 16 ? table[(v >> 6) & 63] : '=';
    out += i + 2 < 16 ? table[v & 63] : '=';
  }
  return out;
}

}  // namespace

WsClient::WsClient(asio::io_context& io, WsListener& listener, std::uint64_t tag)
    : socket_(io),
      listener_(listener),
      tag_(tag),
      mask_state_((static_cast<std::uint64_t>(now_ns()) ^ (tag * 0x9E3779B97F4A7C15ULL)) | 1) {}

WsClient::~WsClient() = default;

std::uint32_t WsClient::next_mask() noexcept {
  // xorshift64: masks need not be secret here, only varied.
  mask_state_ ^= mask_state_ << 13;
  mask_state_ ^= mask_state_ >> 7;
  mask_state_ ^= mask_state_ << 17;
  return static_cast<std::uint32_t>(mask_state_);
}

void WsClient::start(const tcp::endpoint& server, const std::optional<asio::ip::address>& source,
                     std::string_view host_header, std::string_view request_target,
                     std::string_view extra_headers) {
  unsigned char key[16];
  for (int i = 0; i < 16; i += 4) {
    const std::uint32_t m = next_mask();
    std::memcpy(key + i, &m, 4);
  }
  out_.reserve(request_target.size() + extra_headers.size() + 200);
  out_.append("GET ").append(request_target).append(" HTTP/1.1\r\nHost: ").append(host_header);
  out_.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
  out_.append(base64_of_16(key)).append("\r\nSec-WebSocket-Version: 13\r\n");
  out_.append(extra_headers).append("\r\n");

  boost::system::error_code ec;
  socket_.open(server.protocol(), ec);
  if (!ec && source) {
    socket_.set_option(bind_no_port(true), ec);
    ec.clear();
    socket_.bind(tcp::endpoint(*source, 0), ec);
  }
  if (ec) {
    auto self = shared_from_this();
    asio::post(socket_.get_executor(), [self, ec] { self->on_connect(ec); });
    return;
  }
  socket_.async_connect(server, [self = shared_from_this()](const boost::system::error_code& e) {
    self->on_connect(e);
  });
}

void WsClient::on_connect(const boost::system::error_code& ec) {
  if (state_ == State::closed) return;
  if (ec) return fail("connect: " + ec.message());
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  if (auto* ctx = client_tls()) {
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *ctx);
    tls_->async_handshake(
        asio::ssl::stream_base::client,
        [self = shared_from_this()](const boost::system::error_code& e) { self->on_secure(e); });
    return;
  }
  on_secure({});
}

void WsClient::on_secure(const boost::system::error_code& ec) {
  if (state_ == State::closed) return;
  if (ec) return fail("tls handshake: " + ec.message());
  state_ = State::upgrading;
  rbuf_ = std::make_unique<char[]>(initial_read_capacity);
  rcap_ = initial_read_capacity;
  do_write();
  do_read();
}

void WsClient::send_text(std::string_view payload) {
  if (state_ != State::open) return;
  WsFrameCodec::append_client_frame(out_, WsOpcode::text, payload, next_mask());
  if (!write_pending_ && !flush_posted_) {
    flush_posted_ = true;
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      self->flush_posted_ = false;
      self->do_write();
    });
  }
}

void WsClient::send_control(std::uint8_t opcode, std::string_view payload) {
  WsFrameCodec::append_client_frame(out_, static_cast<WsOpcode>(opcode), payload, next_mask());
  do_write();
}

void WsClient::do_write() {
  if (write_pending_ || out_.empty() || state_ == State::closed) return;
  writing_.swap(out_);
  out_.clear();
  write_pending_ = true;
  auto done = [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
    self->on_write(ec);
  };
  if (tls_)
    asio::async_write(*tls_, asio::buffer(writing_), std::move(done));
  else
    asio::async_write(socket_, asio::buffer(writing_), std::move(done));
}

void WsClient::on_write(const boost::system::error_code& ec) {
  write_pending_ = false;
  if (ec) return fail("write: " + ec.message());
  // Keep a modest buffer for the next burst; release a large one.
  if (writing_.capacity() > 65536) std::string().swap(writing_);
  writing_.clear();
  do_write();
}

void WsClient::do_read() {
  if (state_ == State::closed) return;
  if (rlen_ == rcap_) {
    if (rcap_ >= max_read_capacity) return fail("read: frame too large");
    auto bigger = std::make_unique<char[]>(rcap_ * 2);
    std::memcpy(bigger.get(), rbuf_.get(), rlen_);
    rbuf_ = std::move(bigger);
    rcap_ *= 2;
  }
  auto done = [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
    self->on_read(ec, n);
  };
  const auto into = asio::buffer(rbuf_.get() + rlen_, rcap_ - rlen_);
  if (tls_)
    tls_->async_read_some(into, std::move(done));
  else
    socket_.async_read_some(into, std::move(done));
}

void WsClient::on_read(const boost::system::error_code& ec, std::size_t n) {
  if (state_ == State::closed) return;
  if (ec)
    return fail(ec == asio::error::eof                     ? "eof"
                : ec == asio::ssl::error::stream_truncated ? "eof without close_notify"
                                                           : "read: " + ec.message());
  rlen_ += n;
  if (state_ == State::upgrading && !consume_upgrade_response()) return;
  if (state_ == State::open && !consume_frames()) return;
  do_read();
}

bool WsClient::consume_upgrade_response() {
  const std::string_view data(rbuf_.get(), rlen_);
  const auto end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (rlen_ > 16384) fail("upgrade: response header too large");
    return state_ != State::closed;
  }
  if (data.substr(0, 12) != "HTTP/1.1 101") {
    const auto line_end = data.find("\r\n");
    fail("upgrade: " + std::string(data.substr(0, line_end)));
    return false;
  }
  const std::size_t header_size = end + 4;
  std::memmove(rbuf_.get(), rbuf_.get() + header_size, rlen_ - header_size);
  rlen_ -= header_size;
  state_ = State::open;
  listener_.on_open(*this);
  return state_ != State::closed;
}

bool WsClient::consume_frames() {
  std::size_t offset = 0;
  while (state_ == State::open) {
    WsFrame frame;
    std::size_t used = 0;
    const auto r = WsFrameCodec::parse_server_frame(
        std::string_view(rbuf_.get() + offset, rlen_ - offset), frame, used);
    if (r == WsParse::incomplete) break;
    if (r == WsParse::invalid) {
      fail("protocol: invalid server frame");
      return false;
    }
    offset += used;
    switch (frame.opcode) {
      case WsOpcode::text:
      case WsOpcode::binary:
        if (frame.fin) {
          listener_.on_text(*this, frame.payload);
        } else {
          fragments_.assign(frame.payload);
        }
        break;
      case WsOpcode::continuation:
        fragments_.append(frame.payload);
        if (frame.fin) {
          listener_.on_text(*this, fragments_);
          std::string().swap(fragments_);
        }
        break;
      case WsOpcode::ping:
        send_control(0xA, frame.payload);
        break;
      case WsOpcode::pong:
        break;
      case WsOpcode::close: {
        std::string reason = "server closed";
        if (frame.payload.size() >= 2) {
          const auto* p = reinterpret_cast<const unsigned char*>(frame.payload.data());
          reason += " " + std::to_string((p[0] << 8) | p[1]);
          reason += " " + std::string(frame.payload.substr(2));
        }
        fail(reason);
        return false;
      }
    }
  }
  if (state_ == State::closed) return false;
  if (offset) {
    std::memmove(rbuf_.get(), rbuf_.get() + offset, rlen_ - offset);
    rlen_ -= offset;
  }
  // An idle connection gives back a buffer that grew for one large message.
  if (rlen_ == 0 && rcap_ > initial_read_capacity * 4) {
    rbuf_ = std::make_unique<char[]>(initial_read_capacity);
    rcap_ = initial_read_capacity;
  }
  return true;
}

void WsClient::close(bool abortive) {
  if (state_ == State::closed) return;
  boost::system::error_code ignored;
  if (abortive) socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  fail("closed by client");
}

void WsClient::fail(std::string_view reason) {
  if (state_ == State::closed) return;
  state_ = State::closed;
  boost::system::error_code ignored;
  socket_.close(ignored);
  listener_.on_closed(*this, reason);
}

}  // namespace parley::bench

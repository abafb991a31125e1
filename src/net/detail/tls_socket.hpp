#pragma once
// TLS straight on a non-blocking socket: OpenSSL reads and writes the descriptor itself (a socket
// BIO), so an idle connection holds no record buffer at all. Asio's ssl::stream keeps two 17 KiB
// buffers per connection for good, plus OpenSSL's BIO pair; here, with SSL_MODE_RELEASE_BUFFERS,
// OpenSSL's own read and write buffers exist only while a record is in flight.
//
// Once a TLS 1.3 handshake is done the SSL object itself (~14 KiB) is freed too: the application
// traffic secrets (from OpenSSL's key-log callback) go to Tls13Records, which frames the records
// with OpenSSL's AEAD. Buffers then exist only while a record is partly read or written. TLS 1.2
// connections keep OpenSSL's record layer.
//
// Non-blocking calls (read_some, write_some, shutdown) report would_block and which readiness to
// wait for (want()); the async_* members wrap them for Beast (AsyncReadStream, AsyncWriteStream).

#include <openssl/ssl.h>

#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>

#include <cstddef>
#include <memory>
#include <string>

#include "net/detail/asio_types.hpp"
#include "net/detail/tls13_records.hpp"

namespace parley::net::detail {

class TlsSocket {
 public:
  using executor_type = Executor;
  using next_layer_type = PlainStream;
  using lowest_layer_type = PlainStream;
  using error_code = boost::system::error_code;

  // A server-side connection made from `ctx` (which it copies its certificate from). Throws
  // std::bad_alloc when OpenSSL cannot allocate it.
  TlsSocket(PlainStream socket, SSL_CTX* ctx);
  TlsSocket(TlsSocket&& other) noexcept;
  TlsSocket& operator=(TlsSocket&&) = delete;
  ~TlsSocket();

  PlainStream& next_layer() noexcept { return socket_; }
  PlainStream& lowest_layer() noexcept { return socket_; }
  executor_type get_executor() noexcept { return socket_.get_executor(); }

  // Each returns would_block when it must be called again once want() is ready. Errors: eof for
  // the peer's close_notify, stream_truncated for a hang-up without one, else the cause.
  bool handshake(error_code& ec);  // true: done
  std::size_t read_some(void* data, std::size_t size, error_code& ec);
  // After would_block, the next call must pass at least `size` bytes that begin with the same
  // ones (OpenSSL has already encrypted them); a partial write returns fewer than `size`.
  std::size_t write_some(const void* data, std::size_t size, error_code& ec);
  // Sends close_notify (once; not waiting for the peer's). True once it is out or cannot be sent.
  bool shutdown(error_code& ec);

  PlainStream::wait_type want() const noexcept { return want_; }
  // Decrypted or buffered input that a wait on the socket would not report.
  bool pending() const noexcept;
  bool handshake_done() const noexcept { return records_ || SSL_is_init_finished(ssl_) == 1; }
  // Whether the connection's records are Parley's own (TLS 1.3, SSL object freed).
  bool own_records() const noexcept { return records_ != nullptr; }
  // Parley's records once they took over (TLS 1.3), else null.
  const Tls13Records* records() const noexcept { return records_.get(); }

  // What connections made from `ctx` rely on: released buffers, retried writes, no
  // renegotiation, and for TLS 1.3 the traffic secrets and no session tickets.
  static void prepare_context(SSL_CTX* ctx);
  // Whether close_notify can go out now: handshake complete, no failure, not already sent.
  bool can_close_notify() const noexcept;

  template <class Handler>
  void async_handshake(Handler&& handler);
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token);
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token);

 private:
  // Maps the result of an SSL call; false when it failed or must wait (ec set).
  bool check(int result, error_code& ec);
  // After the handshake: hands TLS 1.3 records to Tls13Records and frees the SSL object.
  void take_over_records();
  std::size_t own_read(char* data, std::size_t size, error_code& ec);
  std::size_t own_write(const char* data, std::size_t size, error_code& ec);
  bool own_shutdown(error_code& ec);
  // Sends out_; false with ec set when it must wait or failed.
  bool flush_out(error_code& ec);
  void fail(error_code& ec, error_code cause);

  struct Secrets;
  // For SSL_CTX_set_keylog_callback: keeps a handshake's application traffic secrets.
  static void keylog(const SSL* ssl, const char* line);

  // Runs `attempt(ec) -> std::size_t` until it no longer wants to wait; completes as if posted.
  template <class Attempt>
  struct Op {
    TlsSocket* socket;
    Attempt attempt;
    bool waited = false;

    template <class Self>
    void operator()(Self& self, error_code ec = {}) {
      if (!ec) {
        const std::size_t n = attempt(ec);
        if (ec == boost::asio::error::would_block) {
          waited = true;
          socket->socket_.async_wait(socket->want_, std::move(self));
          return;
        }
        if (!waited) {
          // Finished without waiting: the handler must still not run inside the initiation.
          waited = true;
          auto ex = socket->get_executor();
          return boost::asio::post(ex, boost::asio::append(std::move(self), ec, n));
        }
        return self.complete(ec, n);
      }
      self.complete(ec, 0);
    }
    template <class Self>
    void operator()(Self& self, error_code ec, std::size_t n) {
      self.complete(ec, n);  // the posted result of an immediate completion
    }
  };

  template <class Attempt, class Token>
  auto run(Attempt attempt, Token&& token) {
    return boost::asio::async_compose<Token, void(error_code, std::size_t)>(
        Op<Attempt>{this, std::move(attempt)}, token, socket_);
  }

  PlainStream socket_;
  SSL* ssl_;                          // null once records_ took over
  std::unique_ptr<Secrets> secrets_;  // during the handshake
  std::unique_ptr<Tls13Records> records_;
  std::string in_;             // own records: a partial record (or more) not yet opened
  std::string plain_;          // own records: opened bytes the caller had no room for
  std::string out_;            // own records: sealed bytes the socket has not taken yet
  std::size_t out_plain_ = 0;  // application bytes out_ carries, reported once it is sent
  PlainStream::wait_type want_ = PlainStream::wait_read;
  bool failed_ = false;      // a fatal error: no close_notify
  bool eof_ = false;         // own records: the peer's close_notify arrived
  bool sent_close_ = false;  // own records: our close_notify is sealed
};

template <class Handler>
void TlsSocket::async_handshake(Handler&& handler) {
  run(
      [this](error_code& ec) -> std::size_t {
        handshake(ec);
        return 0;
      },
      [h = std::forward<Handler>(handler)](error_code ec, std::size_t) mutable { h(ec); });
}

template <class MutableBuffers, class Token>
auto TlsSocket::async_read_some(const MutableBuffers& buffers, Token&& token) {
  // Into the first non-empty buffer, as Asio's ssl::stream does.
  boost::asio::mutable_buffer into;
  for (auto it = boost::asio::buffer_sequence_begin(buffers);
       it != boost::asio::buffer_sequence_end(buffers); ++it) {
    if (boost::asio::mutable_buffer b(*it); b.size() > 0) {
      into = b;
      break;
    }
  }
  return run(
      [this, into](error_code& ec) -> std::size_t {
        if (into.size() == 0) return 0;
        return read_some(into.data(), into.size(), ec);
      },
      std::forward<Token>(token));
}

template <class ConstBuffers, class Token>
auto TlsSocket::async_write_some(const ConstBuffers& buffers, Token&& token) {
  boost::asio::const_buffer from;
  for (auto it = boost::asio::buffer_sequence_begin(buffers);
       it != boost::asio::buffer_sequence_end(buffers); ++it) {
    if (boost::asio::const_buffer b(*it); b.size() > 0) {
      from = b;
      break;
    }
  }
  // A retry after would_block passes the same buffer again, as write_some requires.
  return run(
      [this, from](error_code& ec) -> std::size_t {
        if (from.size() == 0) return 0;
        return write_some(from.data(), from.size(), ec);
      },
      std::forward<Token>(token));
}

using TlsStream = TlsSocket;

}  // namespace parley::net::detail

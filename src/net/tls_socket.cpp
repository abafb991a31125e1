#include "net/detail/tls_socket.hpp"

#include <openssl/err.h>

#include <boost/asio/ssl/error.hpp>

#include <cerrno>
#include <new>
#include <utility>

namespace parley::net::detail {

TlsSocket::TlsSocket(PlainStream socket, SSL_CTX* ctx)
    : socket_(std::move(socket)), ssl_(SSL_new(ctx)) {
  if (!ssl_) throw std::bad_alloc();
  error_code ignored;
  socket_.non_blocking(true, ignored);
  // A socket BIO that does not own the descriptor: the Asio socket closes it.
  if (SSL_set_fd(ssl_, static_cast<int>(socket_.native_handle())) != 1) {
    SSL_free(ssl_);
    throw std::bad_alloc();
  }
  SSL_set_accept_state(ssl_);
}

TlsSocket::TlsSocket(TlsSocket&& other) noexcept
    : socket_(std::move(other.socket_)),
      ssl_(std::exchange(other.ssl_, nullptr)),
      want_(other.want_),
      failed_(other.failed_) {}

TlsSocket::~TlsSocket() {
  if (ssl_) SSL_free(ssl_);
}

bool TlsSocket::check(int result, error_code& ec) {
  if (result > 0) return true;
  const int error = SSL_get_error(ssl_, result);
  switch (error) {
    case SSL_ERROR_WANT_READ:
      want_ = PlainStream::wait_read;
      ec = boost::asio::error::would_block;
      return false;
    case SSL_ERROR_WANT_WRITE:
      want_ = PlainStream::wait_write;
      ec = boost::asio::error::would_block;
      return false;
    case SSL_ERROR_ZERO_RETURN:
      ec = boost::asio::error::eof;  // the peer's close_notify
      return false;
    case SSL_ERROR_SYSCALL:
      failed_ = true;
      ec = errno != 0 ? error_code(errno, boost::system::system_category())
                      : error_code(boost::asio::ssl::error::stream_truncated);
      ERR_clear_error();
      return false;
    default: {
      failed_ = true;
      const unsigned long e = ERR_get_error();
      // OpenSSL 3 reports a hang-up without close_notify this way.
      if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
        ec = boost::asio::ssl::error::stream_truncated;
      else
        ec = error_code(static_cast<int>(e), boost::asio::error::get_ssl_category());
      ERR_clear_error();
      return false;
    }
  }
}

bool TlsSocket::handshake(error_code& ec) {
  ERR_clear_error();
  errno = 0;
  return check(SSL_do_handshake(ssl_), ec);
}

std::size_t TlsSocket::read_some(void* data, std::size_t size, error_code& ec) {
  ERR_clear_error();
  errno = 0;
  std::size_t n = 0;
  if (!check(SSL_read_ex(ssl_, data, size, &n), ec)) return 0;
  return n;
}

std::size_t TlsSocket::write_some(const void* data, std::size_t size, error_code& ec) {
  ERR_clear_error();
  errno = 0;
  std::size_t n = 0;
  if (!check(SSL_write_ex(ssl_, data, size, &n), ec)) return 0;
  return n;
}

bool TlsSocket::can_close_notify() const noexcept {
  return !failed_ && SSL_is_init_finished(ssl_) == 1 &&
         (SSL_get_shutdown(ssl_) & SSL_SENT_SHUTDOWN) == 0;
}

bool TlsSocket::shutdown(error_code& ec) {
  // Sent, or being retried after would_block (the alert waits in OpenSSL's write buffer).
  if (failed_ || SSL_is_init_finished(ssl_) != 1) return true;
  ERR_clear_error();
  errno = 0;
  const int r = SSL_shutdown(ssl_);
  if (r >= 0) return true;  // 0: sent, the peer's not yet seen (we do not wait for it)
  if (check(r, ec)) return true;
  return ec != boost::asio::error::would_block;
}

}  // namespace parley::net::detail

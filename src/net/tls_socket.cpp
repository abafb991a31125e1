#include "net/detail/tls_socket.hpp"

#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <boost/asio/ssl/error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

namespace parley::net::detail {

// The two application traffic secrets of TLS 1.3, as the key-log callback reports them.
struct TlsSocket::Secrets {
  std::string client;
  std::string server;
  ~Secrets() {
    OPENSSL_cleanse(client.data(), client.size());
    OPENSSL_cleanse(server.data(), server.size());
  }
};

namespace {

// Records are opened and sealed here, on the session's thread: nothing of it outlives a call.
constexpr std::size_t kRecordBuffer = 2 * Tls13Records::kMaxRecord;
char* record_buffer() noexcept {
  thread_local char buffer[kRecordBuffer];
  return buffer;
}

void release(std::string& s) {
  if (s.empty()) std::string().swap(s);
}

bool decode_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.resize(hex.size() / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return true;
}

}  // namespace

void TlsSocket::prepare_context(SSL_CTX* ctx) {
  // OpenSSL's own record buffers are freed while a connection is idle (it writes the socket
  // itself, so no other buffer sits in between). A write retried after would_block passes the
  // same bytes, gathered again into a thread's buffer.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                            SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // Renegotiation would let a read need a write mid-stream; TLS 1.3 has none anyway.
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  // TLS 1.3 connections take their records over once the handshake is done and free the SSL
  // object: that needs the traffic secrets, and no ticket sealed by OpenSSL with them (so that
  // the first record of ours is number 0). Without tickets a returning TLS 1.3 client makes a
  // full handshake.
  SSL_CTX_set_keylog_callback(ctx, &TlsSocket::keylog);
  SSL_CTX_set_num_tickets(ctx, 0);
}

void TlsSocket::keylog(const SSL* ssl, const char* line) {
  auto* secrets = static_cast<Secrets*>(SSL_get_app_data(ssl));
  if (!secrets) return;
  // "LABEL <client random, 64 hex> <secret hex>"
  const std::string_view text(line);
  const auto first = text.find(' ');
  const auto second = first == std::string_view::npos ? first : text.find(' ', first + 1);
  if (second == std::string_view::npos) return;
  const auto label = text.substr(0, first);
  const auto hex = text.substr(second + 1);
  if (label == "CLIENT_TRAFFIC_SECRET_0")
    decode_hex(hex, secrets->client);
  else if (label == "SERVER_TRAFFIC_SECRET_0")
    decode_hex(hex, secrets->server);
}

TlsSocket::TlsSocket(PlainStream socket, SSL_CTX* ctx)
    : socket_(std::move(socket)), ssl_(SSL_new(ctx)), secrets_(std::make_unique<Secrets>()) {
  if (!ssl_) throw std::bad_alloc();
  SSL_set_app_data(ssl_, secrets_.get());
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
      secrets_(std::move(other.secrets_)),
      records_(std::move(other.records_)),
      in_(std::move(other.in_)),
      plain_(std::move(other.plain_)),
      out_(std::move(other.out_)),
      out_plain_(other.out_plain_),
      want_(other.want_),
      failed_(other.failed_),
      eof_(other.eof_),
      sent_close_(other.sent_close_) {}

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
  if (records_) return true;
  ERR_clear_error();
  errno = 0;
  if (!check(SSL_do_handshake(ssl_), ec)) return false;
  take_over_records();
  return true;
}

void TlsSocket::take_over_records() {
  auto secrets = std::move(secrets_);
  SSL_set_app_data(ssl_, nullptr);
  // The sequence numbers start at 0 only if OpenSSL sealed and opened nothing with these keys:
  // no session ticket (the context sends none), no input read past the client's Finished.
  if (!secrets || SSL_version(ssl_) != TLS1_3_VERSION || SSL_get_num_tickets(ssl_) != 0 ||
      SSL_has_pending(ssl_) == 1 || SSL_get_early_data_status(ssl_) == SSL_EARLY_DATA_ACCEPTED)
    return;
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl_);
  if (!cipher) return;
  auto records = std::make_unique<Tls13Records>();
  if (!records->init(SSL_CIPHER_get_protocol_id(cipher), secrets->client, secrets->server)) return;
  records_ = std::move(records);
  SSL_free(ssl_);
  ssl_ = nullptr;
}

std::size_t TlsSocket::read_some(void* data, std::size_t size, error_code& ec) {
  if (records_) return own_read(static_cast<char*>(data), size, ec);
  ERR_clear_error();
  errno = 0;
  std::size_t n = 0;
  if (!check(SSL_read_ex(ssl_, data, size, &n), ec)) return 0;
  return n;
}

std::size_t TlsSocket::write_some(const void* data, std::size_t size, error_code& ec) {
  if (records_) return own_write(static_cast<const char*>(data), size, ec);
  ERR_clear_error();
  errno = 0;
  std::size_t n = 0;
  if (!check(SSL_write_ex(ssl_, data, size, &n), ec)) return 0;
  return n;
}

bool TlsSocket::pending() const noexcept {
  if (records_) return eof_ || !plain_.empty() || Tls13Records::record_size(in_) != 0;
  return SSL_has_pending(ssl_) == 1;
}

bool TlsSocket::can_close_notify() const noexcept {
  if (records_) return !failed_ && !sent_close_;
  return !failed_ && SSL_is_init_finished(ssl_) == 1 &&
         (SSL_get_shutdown(ssl_) & SSL_SENT_SHUTDOWN) == 0;
}

bool TlsSocket::shutdown(error_code& ec) {
  if (records_) return own_shutdown(ec);
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

namespace parley::net::detail {

void TlsSocket::fail(error_code& ec, error_code cause) {
  failed_ = true;
  ec = cause;
  std::string().swap(in_);
  std::string().swap(plain_);
  std::string().swap(out_);
}

std::size_t TlsSocket::own_read(char* data, std::size_t size, error_code& ec) {
  if (failed_) return ec = boost::asio::error::broken_pipe, 0;
  if (size == 0) return 0;
  if (!plain_.empty()) {
    const std::size_t n = std::min(size, plain_.size());
    std::memcpy(data, plain_.data(), n);
    plain_.erase(0, n);
    release(plain_);
    return n;
  }
  if (eof_) return ec = boost::asio::error::eof, 0;
  char* buf = record_buffer();
  std::size_t have = in_.size();
  std::memcpy(buf, in_.data(), have);
  std::string().swap(in_);
  for (;;) {
    std::size_t pos = 0;
    std::size_t out = 0;
    while (out < size && !eof_) {
      const long r = Tls13Records::record_size({buf + pos, have - pos});
      if (r < 0) return fail(ec, boost::asio::ssl::error::unspecified_system_error), 0;
      if (r == 0) break;
      const auto opened = records_->open(buf + pos, static_cast<std::size_t>(r));
      pos += static_cast<std::size_t>(r);
      switch (opened.kind) {
        case Tls13Records::Kind::data: {
          const std::size_t n = std::min(size - out, opened.data.size());
          std::memcpy(data + out, opened.data.data(), n);
          out += n;
          plain_.append(opened.data.substr(n));
          break;
        }
        case Tls13Records::Kind::close_notify:
          eof_ = true;
          break;
        case Tls13Records::Kind::key_update:
          if (opened.update_requested) {
            // Ours goes out before any later application data (RFC 8446 §4.6.3).
            char update[64];
            const std::size_t n = records_->seal_key_update(update);
            if (n == 0) return fail(ec, boost::asio::ssl::error::unspecified_system_error), 0;
            out_.append(update, n);
            error_code ignored;
            flush_out(ignored);  // else it waits for the next write
            if (failed_) return ec = ignored, 0;
          }
          break;
        case Tls13Records::Kind::ignored:
          break;
        case Tls13Records::Kind::error:
          return fail(ec, boost::asio::ssl::error::unspecified_system_error), 0;
      }
    }
    // What is left (a partial record, or records the caller had no room for) waits in in_.
    if (pos < have) in_.assign(buf + pos, have - pos);
    if (out > 0) return out;
    if (eof_) return ec = boost::asio::error::eof, 0;
    have -= pos;
    std::memmove(buf, buf + pos, have);
    std::string().swap(in_);
    const ssize_t n = ::recv(socket_.native_handle(), buf + have, kRecordBuffer - have, 0);
    if (n > 0) {
      have += static_cast<std::size_t>(n);
      continue;
    }
    if (have > 0) in_.assign(buf, have);
    if (n == 0) return fail(ec, boost::asio::ssl::error::stream_truncated), 0;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      want_ = PlainStream::wait_read;
      return ec = boost::asio::error::would_block, 0;
    }
    return fail(ec, error_code(errno, boost::system::system_category())), 0;
  }
}

bool TlsSocket::flush_out(error_code& ec) {
  while (!out_.empty()) {
    const ssize_t n = ::send(socket_.native_handle(), out_.data(), out_.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      out_.erase(0, static_cast<std::size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      want_ = PlainStream::wait_write;
      ec = boost::asio::error::would_block;
      return false;
    }
    fail(ec, error_code(errno, boost::system::system_category()));
    return false;
  }
  release(out_);
  return true;
}

std::size_t TlsSocket::own_write(const char* data, std::size_t size, error_code& ec) {
  if (failed_) return ec = boost::asio::error::broken_pipe, 0;
  if (!out_.empty()) {
    if (!flush_out(ec)) return 0;
    if (out_plain_ > 0) return std::exchange(out_plain_, 0);
  }
  if (size == 0) return 0;
  if (records_->write_key_worn()) {
    // A KeyUpdate before the record that would overuse the key; the data follows it.
    char update[64];
    const std::size_t u = records_->seal_key_update(update);
    if (u == 0) return fail(ec, boost::asio::ssl::error::unspecified_system_error), 0;
    out_.assign(update, u);
    out_plain_ = 0;
    if (!flush_out(ec)) return 0;
  }
  const std::size_t m = std::min(size, Tls13Records::kMaxPlaintext);
  char* record = record_buffer();
  const std::size_t length = records_->seal(23, data, m, record);
  if (length == 0) return fail(ec, boost::asio::ssl::error::unspecified_system_error), 0;
  ssize_t n = 0;
  do {
    n = ::send(socket_.native_handle(), record, length, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(length)) return m;
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    return fail(ec, error_code(errno, boost::system::system_category())), 0;
  // Sealed already: the rest waits here, and the m bytes count as written once it is out.
  const std::size_t sent = n > 0 ? static_cast<std::size_t>(n) : 0;
  out_.assign(record + sent, length - sent);
  out_plain_ = m;
  want_ = PlainStream::wait_write;
  ec = boost::asio::error::would_block;
  return 0;
}

bool TlsSocket::own_shutdown(error_code& ec) {
  if (failed_) return true;
  if (!sent_close_) {
    sent_close_ = true;
    char alert[64];
    const std::size_t n = records_->seal_close_notify(alert);
    if (n == 0) return true;
    out_.append(alert, n);
  }
  if (flush_out(ec)) return true;
  return ec != boost::asio::error::would_block;
}

}  // namespace parley::net::detail

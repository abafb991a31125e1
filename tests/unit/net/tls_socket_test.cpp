// TlsSocket on its own: a server-side socket driven by hand against an OpenSSL client on the other
// end of a loopback connection, both non-blocking, in one thread.

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>
#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>

#include <optional>
#include <string>

#include "net/detail/tls_socket.hpp"

namespace parley::net::detail {
namespace {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

// Waits (at most 2 s) until `fd` is ready for `events`: loopback bytes need not have arrived yet.
void wait_for(int fd, short events) {
  pollfd p{fd, events, 0};
  ::poll(&p, 1, 2000);
}

// A self-signed EC certificate in a server context prepared as the server prepares its own.
struct ServerContext {
  ServerContext() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_set_issuer_name(cert, X509_get_subject_name(cert));
    X509_sign(cert, key, EVP_sha256());
    ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ctx, cert);
    SSL_CTX_use_PrivateKey(ctx, key);
    TlsSocket::prepare_context(ctx);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  ~ServerContext() { SSL_CTX_free(ctx); }
  SSL_CTX* ctx;
};

class TlsSocketTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    asio::basic_socket_acceptor<asio::ip::tcp, Executor> acceptor(
        ioc_, {asio::ip::make_address("127.0.0.1"), 0});
    client_socket_.connect(acceptor.local_endpoint());
    client_socket_.non_blocking(true);
    PlainStream accepted = acceptor.accept();
    server_.emplace(std::move(accepted), context_.ctx);
    client_ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(client_ctx_, GetParam());
    SSL_CTX_set_max_proto_version(client_ctx_, GetParam());
    client_ = SSL_new(client_ctx_);
    SSL_set_fd(client_, static_cast<int>(client_socket_.native_handle()));
    SSL_set_connect_state(client_);
  }
  void TearDown() override {
    SSL_free(client_);
    SSL_CTX_free(client_ctx_);
  }

  int server_fd() { return static_cast<int>(server_->next_layer().native_handle()); }
  int client_fd() { return static_cast<int>(client_socket_.native_handle()); }
  void wait_server() {
    wait_for(server_fd(), server_->want() == PlainStream::wait_read ? POLLIN : POLLOUT);
  }

  // Both ends' handshakes, stepped until done.
  void handshake() {
    bool server_done = false;
    for (int i = 0; i < 200 && !(server_done && SSL_is_init_finished(client_)); ++i) {
      SSL_do_handshake(client_);
      error_code ec;
      if (!server_done) server_done = server_->handshake(ec);
      ASSERT_TRUE(server_done || ec == asio::error::would_block) << ec.message();
      if (server_done) continue;
      // Whichever end has something to read next.
      pollfd ends[2] = {
          {server_fd(),
           static_cast<short>(server_->want() == PlainStream::wait_read ? POLLIN : POLLOUT), 0},
          {client_fd(), POLLIN, 0}};
      ::poll(ends, 2, 2000);
    }
    ASSERT_TRUE(server_done && SSL_is_init_finished(client_));
  }

  std::string server_reads(std::size_t want) {
    std::string got;
    char buffer[1024];
    for (int i = 0; i < 2000 && got.size() < want; ++i) {
      error_code ec;
      const std::size_t n = server_->read_some(buffer, sizeof buffer, ec);
      if (ec == asio::error::would_block) wait_server();
      if (ec && ec != asio::error::would_block) {
        ADD_FAILURE() << "server read: " << ec.message();
        break;
      }
      got.append(buffer, n);
    }
    return got;
  }

  std::string client_reads(std::size_t want) {
    std::string got;
    char buffer[4096];
    for (int i = 0; i < 2000 && got.size() < want; ++i) {
      std::size_t n = 0;
      if (SSL_read_ex(client_, buffer, sizeof buffer, &n) == 1)
        got.append(buffer, n);
      else if (want > 0)
        wait_for(client_fd(), POLLIN);
    }
    return got;
  }

  asio::io_context ioc_;
  ServerContext context_;
  std::optional<TlsSocket> server_;
  asio::basic_stream_socket<asio::ip::tcp, Executor> client_socket_{ioc_};
  SSL_CTX* client_ctx_ = nullptr;
  SSL* client_ = nullptr;
};

TEST_P(TlsSocketTest, CarriesDataBothWaysAndEndsWithCloseNotify) {
  handshake();
  // TLS 1.3 hands its records to Parley (the SSL object is gone); TLS 1.2 keeps OpenSSL's.
  EXPECT_EQ(server_->own_records(), GetParam() == TLS1_3_VERSION);

  // One read buffer smaller than the records: the rest waits, reported by pending().
  const std::string request(3000, 'q');
  std::size_t written = 0;
  ASSERT_EQ(SSL_write_ex(client_, request.data(), request.size(), &written), 1);
  EXPECT_TRUE(server_reads(request.size()) == request);

  std::string reply(40'000, 'r');  // three records
  for (std::size_t i = 0; i < reply.size(); ++i) reply[i] = static_cast<char>('a' + i % 26);
  std::size_t sent = 0;
  for (int i = 0; i < 2000 && sent < reply.size(); ++i) {
    error_code ec;
    sent += server_->write_some(reply.data() + sent, reply.size() - sent, ec);
    ASSERT_TRUE(!ec || ec == asio::error::would_block) << ec.message();
    if (ec) client_reads(0);
  }
  EXPECT_TRUE(client_reads(reply.size()) == reply);

  ASSERT_TRUE(server_->can_close_notify());
  error_code ec;
  EXPECT_TRUE(server_->shutdown(ec)) << ec.message();
  EXPECT_FALSE(server_->can_close_notify());
  char byte;
  std::size_t n = 0;
  int r = 0;
  for (int i = 0; i < 2000; ++i) {
    r = SSL_read_ex(client_, &byte, 1, &n);
    if (SSL_get_error(client_, r) != SSL_ERROR_WANT_READ) break;
    wait_for(client_fd(), POLLIN);
  }
  EXPECT_EQ(SSL_get_error(client_, r), SSL_ERROR_ZERO_RETURN);  // close_notify, not a hang-up
}

TEST_P(TlsSocketTest, WriteKeysAreRenewedBeforeTheyWearOut) {
  if (GetParam() != TLS1_3_VERSION) GTEST_SKIP() << "Parley's own records are TLS 1.3";
  handshake();
  ASSERT_TRUE(server_->own_records());
  const auto saved = Tls13Records::records_per_key;
  Tls13Records::records_per_key = 3;  // a KeyUpdate every 3 records instead of 2^23
  std::string sent_all;
  for (int i = 0; i < 10; ++i) {
    const std::string chunk = "record-" + std::to_string(i) + ";";
    std::size_t sent = 0;
    for (int tries = 0; tries < 2000 && sent < chunk.size(); ++tries) {
      error_code ec;
      sent += server_->write_some(chunk.data() + sent, chunk.size() - sent, ec);
      ASSERT_TRUE(!ec || ec == asio::error::would_block) << ec.message();
      if (ec) wait_server();
    }
    sent_all += chunk;
  }
  Tls13Records::records_per_key = saved;
  // 10 records at 3 per key: three KeyUpdates went out, and the client followed each, reading
  // every record whichever key sealed it.
  EXPECT_EQ(server_->records()->write_generation(), 3u);
  EXPECT_EQ(client_reads(sent_all.size()), sent_all);
}

TEST_P(TlsSocketTest, ThePeersCloseNotifyIsEndOfStream) {
  handshake();
  ASSERT_EQ(SSL_shutdown(client_), 0);
  error_code ec;
  char buffer[64];
  for (int i = 0; i < 2000; ++i) {
    ec.clear();
    server_->read_some(buffer, sizeof buffer, ec);
    if (ec != asio::error::would_block) break;
    wait_server();
  }
  EXPECT_EQ(ec, asio::error::eof);
}

TEST_P(TlsSocketTest, AHangUpWithoutCloseNotifyIsATruncation) {
  handshake();
  client_socket_.close();
  error_code ec;
  char buffer[64];
  for (int i = 0; i < 2000; ++i) {
    ec.clear();
    server_->read_some(buffer, sizeof buffer, ec);
    if (ec != asio::error::would_block) break;
    wait_server();
  }
  EXPECT_EQ(ec, boost::asio::ssl::error::stream_truncated) << ec.message();
  EXPECT_FALSE(server_->can_close_notify());
}

INSTANTIATE_TEST_SUITE_P(Versions, TlsSocketTest, ::testing::Values(TLS1_3_VERSION, TLS1_2_VERSION),
                         [](const auto& info) {
                           return std::string(info.param == TLS1_3_VERSION ? "Tls13" : "Tls12");
                         });

}  // namespace
}  // namespace parley::net::detail

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "net/server.hpp"
#include "ws_test_frames.hpp"

namespace parley::net {
namespace {

namespace asio = boost::asio;

// A self-signed EC certificate and key written to a temporary directory for one test.
class TempCertificate {
 public:
  TempCertificate() {
    dir_ =
        std::filesystem::temp_directory_path() / ("parley-tls-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    FILE* f = std::fopen(cert_file().c_str(), "w");
    PEM_write_X509(f, cert);
    std::fclose(f);
    f = std::fopen(key_file().c_str(), "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  ~TempCertificate() { std::filesystem::remove_all(dir_); }

  std::string cert_file() const { return (dir_ / "cert.pem").string(); }
  std::string key_file() const { return (dir_ / "key.pem").string(); }

 private:
  std::filesystem::path dir_;
};

class EchoSocket : public WsHandler {
 public:
  void on_open(std::shared_ptr<WsConnection> c) override { connection_ = std::move(c); }
  void on_text(std::string_view payload) override {
    (void)connection_->send(make_text_frame(payload));
  }
  void on_closed() override { connection_.reset(); }

 private:
  std::shared_ptr<WsConnection> connection_;
};

class Handler : public HttpHandler {
 public:
  void handle(HttpRequest request, Respond respond) override {
    HttpResponse response;
    response.body = "secure " + request.path;
    respond(std::move(response));
  }
  UpgradeDecision upgrade(const HttpRequest&) override {
    UpgradeDecision d;
    d.handler = std::make_shared<EchoSocket>();
    return d;
  }
  HttpResponse error_response(const HttpRequest&, ErrorCode code, std::string_view) override {
    HttpResponse response;
    response.status = http_status(code);
    return response;
  }
};

TEST(TlsServer, ServesHttpsAndWss) {
  TempCertificate certificate;
  ServerConfig config;
  config.port = 0;
  config.threads = 1;
  config.tls_cert_file = certificate.cert_file();
  config.tls_key_file = certificate.key_file();
  Handler handler;
  Server server(config, handler);
  server.start();
  std::thread runner([&] { server.run({}); });

  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);  // self-signed: the test checks the transport
  asio::ssl::stream<asio::ip::tcp::socket> stream(ioc, ctx);
  stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), server.port()});
  stream.handshake(asio::ssl::stream_base::client);

  asio::write(stream, asio::buffer(std::string("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")));
  asio::streambuf buffer;
  const std::size_t head = asio::read_until(stream, buffer, "\r\n\r\n");
  std::string text(asio::buffers_begin(buffer.data()), asio::buffers_end(buffer.data()));
  EXPECT_EQ(text.substr(0, 12), "HTTP/1.1 200");
  const std::size_t need = head + std::string("secure /hello").size();
  if (buffer.size() < need)
    asio::read(stream, buffer, asio::transfer_exactly(need - buffer.size()));
  text.assign(asio::buffers_begin(buffer.data()), asio::buffers_end(buffer.data()));
  EXPECT_EQ(text.substr(head), "secure /hello");
  buffer.consume(buffer.size());

  asio::write(stream,
              asio::buffer(std::string(
                  "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n")));
  const std::size_t upgrade_head = asio::read_until(stream, buffer, "\r\n\r\n");
  text.assign(asio::buffers_begin(buffer.data()), asio::buffers_end(buffer.data()));
  EXPECT_EQ(text.substr(0, 12), "HTTP/1.1 101");
  buffer.consume(upgrade_head);

  asio::write(stream, asio::buffer(test::client_frame("over tls")));
  const std::size_t frame_size = 2 + std::string("over tls").size();
  if (buffer.size() < frame_size)
    asio::read(stream, buffer, asio::transfer_exactly(frame_size - buffer.size()));
  text.assign(asio::buffers_begin(buffer.data()), asio::buffers_end(buffer.data()));
  EXPECT_EQ(text, std::string("\x81\x08", 2) + "over tls");

  server.request_shutdown();
  runner.join();
}

// After a TLS 1.3 handshake the server frames records itself (TlsSocket, Tls13Records): messages
// of many records both ways, KeyUpdates either side asks for, every cipher suite, and the
// close_notify that ends it. TLS 1.2 (suite null) keeps OpenSSL's records: the same but KeyUpdate.
void echo_over_tls(const char* suite) {
  TempCertificate certificate;
  ServerConfig config;
  config.port = 0;
  config.threads = 1;
  config.tls_cert_file = certificate.cert_file();
  config.tls_key_file = certificate.key_file();
  Handler handler;
  Server server(config, handler);
  server.start();
  std::thread runner([&] { server.run({}); });

  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  if (suite) {
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_3_VERSION);
    SSL_CTX_set_ciphersuites(ctx.native_handle(), suite);
  } else {
    SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  }
  asio::ssl::stream<asio::ip::tcp::socket> stream(ioc, ctx);
  stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), server.port()});
  stream.handshake(asio::ssl::stream_base::client);
  if (suite)
    ASSERT_STREQ(SSL_CIPHER_get_name(SSL_get_current_cipher(stream.native_handle())), suite);
  else
    ASSERT_EQ(SSL_version(stream.native_handle()), TLS1_2_VERSION);

  asio::write(stream,
              asio::buffer(std::string(
                  "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n")));
  asio::streambuf buffer;
  const std::size_t head = asio::read_until(stream, buffer, "\r\n\r\n");
  std::string text(asio::buffers_begin(buffer.data()), asio::buffers_end(buffer.data()));
  ASSERT_EQ(text.substr(0, 12), "HTTP/1.1 101");
  buffer.consume(head);

  auto echo = [&](const std::string& payload) {
    asio::write(stream, asio::buffer(test::client_frame(payload)));
    const std::size_t header = payload.size() < 126 ? 2 : 4;
    const std::size_t frame_size = header + payload.size();
    if (buffer.size() < frame_size)
      asio::read(stream, buffer, asio::transfer_exactly(frame_size - buffer.size()));
    std::string got(asio::buffers_begin(buffer.data()),
                    asio::buffers_begin(buffer.data()) + static_cast<std::ptrdiff_t>(frame_size));
    buffer.consume(frame_size);
    return got.substr(header) == payload;
  };
  EXPECT_TRUE(echo("small"));
  std::string big(50'000, 'x');  // four records each way
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  EXPECT_TRUE(echo(big));
  if (suite) {
    // The client's KeyUpdate asks for the server's: both directions move to new keys.
    ASSERT_EQ(SSL_key_update(stream.native_handle(), SSL_KEY_UPDATE_REQUESTED), 1);
    EXPECT_TRUE(echo("after a requested key update"));
    EXPECT_TRUE(echo(big));
    ASSERT_EQ(SSL_key_update(stream.native_handle(), SSL_KEY_UPDATE_NOT_REQUESTED), 1);
    EXPECT_TRUE(echo("after a key update"));
  }

  // A close handshake, then the server's close_notify: a clean end of stream, not a truncation.
  asio::write(stream, asio::buffer(test::client_frame("\x03\xe8", {.opcode = 0x8})));
  boost::system::error_code ec;
  asio::read(stream, buffer, asio::transfer_all(), ec);
  EXPECT_EQ(ec, asio::error::eof) << ec.message();
  text.assign(asio::buffers_begin(buffer.data()), asio::buffers_end(buffer.data()));
  EXPECT_EQ(text, std::string("\x88\x02\x03\xe8", 4));

  server.request_shutdown();
  runner.join();
}

TEST(TlsServer, Tls13RecordsAes128Gcm) {
  echo_over_tls("TLS_AES_128_GCM_SHA256");
}
TEST(TlsServer, Tls13RecordsAes256Gcm) {
  echo_over_tls("TLS_AES_256_GCM_SHA384");
}
TEST(TlsServer, Tls13RecordsChaCha20Poly1305) {
  echo_over_tls("TLS_CHACHA20_POLY1305_SHA256");
}
TEST(TlsServer, Tls12KeepsOpenSslRecords) {
  echo_over_tls(nullptr);
}

// A record that does not authenticate (here: bytes no TLS stack sealed) ends the connection, and
// no answer follows it.
TEST(TlsServer, Tls13ForgedRecordClosesTheConnection) {
  TempCertificate certificate;
  ServerConfig config;
  config.port = 0;
  config.threads = 1;
  config.tls_cert_file = certificate.cert_file();
  config.tls_key_file = certificate.key_file();
  Handler handler;
  Server server(config, handler);
  server.start();
  std::thread runner([&] { server.run({}); });

  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_3_VERSION);
  asio::ssl::stream<asio::ip::tcp::socket> stream(ioc, ctx);
  stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), server.port()});
  stream.handshake(asio::ssl::stream_base::client);
  std::string forged("\x17\x03\x03\x00\x20", 5);
  forged += std::string(32, '\x5a');
  forged += "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";  // never read as a request
  asio::write(stream.next_layer(), asio::buffer(forged));
  asio::streambuf buffer;
  boost::system::error_code ec;
  asio::read(stream, buffer, asio::transfer_all(), ec);
  EXPECT_TRUE(ec) << "the connection stayed open";
  EXPECT_EQ(buffer.size(), 0u);

  server.request_shutdown();
  runner.join();
}

TEST(TlsServer, MissingKeyFailsAtStart) {
  ServerConfig config;
  config.port = 0;
  config.tls_cert_file = "/nonexistent/cert.pem";
  config.tls_key_file = "/nonexistent/key.pem";
  Handler handler;
  Server server(config, handler);
  EXPECT_THROW(server.start(), std::runtime_error);
}

}  // namespace
}  // namespace parley::net

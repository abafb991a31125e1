#include "client/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "client/client_tls.hpp"

namespace parley::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct HttpClient::Connection {
  explicit Connection(asio::io_context& io) : socket(io) {}
  asio::ip::tcp::socket socket;
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls;  // set: TLS over socket
  beast::flat_buffer buffer;

  template <class Message>
  void write(Message& m, beast::error_code& ec) {
    if (tls)
      http::write(*tls, m, ec);
    else
      http::write(socket, m, ec);
  }
  template <class Parser>
  void read(Parser& p, beast::error_code& ec) {
    if (tls)
      http::read(*tls, buffer, p, ec);
    else
      http::read(socket, buffer, p, ec);
  }
};

HttpClient::HttpClient(std::string host, std::uint16_t port)
    : host_(std::move(host)), port_(port) {}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::request(std::string_view method, std::string_view target,
                                 std::string_view body, std::string_view bearer) {
  bool retryable = false;
  HttpResponse r = attempt(method, target, body, bearer, retryable);
  // A keep-alive connection the server closed while idle fails on first use: retry once fresh.
  if (r.status == 0 && retryable) r = attempt(method, target, body, bearer, retryable);
  return r;
}

HttpResponse HttpClient::attempt(std::string_view method, std::string_view target,
                                 std::string_view body, std::string_view bearer, bool& retryable) {
  HttpResponse out;
  const bool reused = connection_ != nullptr;
  retryable = reused;
  beast::error_code ec;
  if (!connection_) {
    auto c = std::make_unique<Connection>(io_);
    asio::ip::tcp::endpoint ep(asio::ip::make_address(host_, ec), port_);
    if (ec) {
      // Not a literal address: resolve it (setup only, never on a hot path).
      asio::ip::tcp::resolver resolver(io_);
      auto results = resolver.resolve(host_, std::to_string(port_), ec);
      if (!ec) asio::connect(c->socket, results, ec);
    } else {
      c->socket.connect(ep, ec);
    }
    if (ec) {
      out.error = "connect: " + ec.message();
      return out;
    }
    c->socket.set_option(asio::ip::tcp::no_delay(true), ec);
    if (auto* ctx = client_tls()) {
      c->tls = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(c->socket, *ctx);
      c->tls->handshake(asio::ssl::stream_base::client, ec);
      if (ec) {
        out.error = "tls handshake: " + ec.message();
        return out;
      }
    }
    connection_ = std::move(c);
  }
  http::request<http::string_body> req;
  req.method(http::string_to_verb(method));
  req.target(target);
  req.version(11);
  req.set(http::field::host, host_ + ":" + std::to_string(port_));
  req.set(http::field::user_agent, "parley-bench");
  if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + std::string(bearer));
  if (!body.empty() || method == "POST") {
    req.set(http::field::content_type, "application/json");
    req.body() = std::string(body);
    req.prepare_payload();
  }
  connection_->write(req, ec);
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::size_t{64} << 20);
  if (!ec) connection_->read(parser, ec);
  if (ec) {
    out.error = std::string(reused ? "keep-alive " : "") + "request: " + ec.message();
    connection_.reset();
    return out;
  }
  retryable = false;
  auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  out.body = std::move(res.body());
  if (auto it = res.find(http::field::retry_after); it != res.end())
    out.retry_after = std::string(it->value());
  if (!res.keep_alive()) connection_.reset();
  return out;
}

}  // namespace parley::bench

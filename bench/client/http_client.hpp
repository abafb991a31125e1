#pragma once
// A blocking HTTP/1.1 keep-alive client (Beast) for setup calls and REST measurements; one per
// thread. It reconnects once when the server closed an idle keep-alive connection.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <string_view>

namespace parley::bench {

struct HttpResponse {
  int status = 0;  // 0: no response (connection failure); see `error`
  std::string body;
  std::string retry_after;
  std::string error;
};

class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // method: "GET", "POST", "DELETE". `bearer` empty: no Authorization header.
  HttpResponse request(std::string_view method, std::string_view target, std::string_view body,
                       std::string_view bearer);

 private:
  struct Connection;
  HttpResponse attempt(std::string_view method, std::string_view target, std::string_view body,
                       std::string_view bearer, bool& retryable);

  std::string host_;
  std::uint16_t port_;
  boost::asio::io_context io_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace parley::bench

#pragma once
// A blocking POSIX-socket client for the net/ server tests: raw HTTP and raw WebSocket frames,
// with a receive timeout so that a misbehaving server fails a test instead of hanging it.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ws_test_frames.hpp"

namespace parley::net::test {

struct ServerFrame {
  int opcode = -1;  // -1: the connection ended (or timed out) first
  std::string payload;
  std::uint16_t close_code() const {
    return payload.size() >= 2
               ? static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                            static_cast<unsigned char>(payload[1]))
               : 0;
  }
};

struct HttpReply {
  int status = 0;
  std::string head;
  std::string body;
  std::string header(std::string_view name) const {
    std::string lower_head;
    for (char c : head)
      lower_head.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    std::string key = "\r\n";
    for (char c : name)
      key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    key += ": ";
    const auto pos = lower_head.find(key);
    if (pos == std::string::npos) return {};
    const auto start = pos + key.size();
    return head.substr(start, head.find("\r\n", start) - start);
  }
};

class RawClient {
 public:
  // receive_buffer > 0: a small SO_RCVBUF (set before connecting, so the window stays small).
  explicit RawClient(std::uint16_t port, int timeout_seconds = 5, int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{timeout_seconds, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (receive_buffer > 0)
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("connect failed");
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;  // the server may have closed: the reads tell
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // Reads one response: head up to the blank line, then Content-Length bytes of body.
  // `head_only`: the answer to a HEAD request, which has no body whatever its Content-Length.
  HttpReply read_http(bool head_only = false) {
    HttpReply reply;
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return reply;
    reply.head = buf_.substr(0, end + 2);
    buf_.erase(0, end + 4);
    if (reply.head.size() > 12) reply.status = std::stoi(reply.head.substr(9, 3));
    const std::string length = reply.header("Content-Length");
    const std::size_t n = length.empty() || head_only ? 0 : std::stoul(length);
    while (buf_.size() < n)
      if (!fill()) break;
    reply.body = buf_.substr(0, n);
    buf_.erase(0, std::min(n, buf_.size()));
    return reply;
  }

  HttpReply get(std::string_view path, std::string_view extra_headers = {}) {
    write("GET " + std::string(path) + " HTTP/1.1\r\nHost: localhost\r\n" +
          std::string(extra_headers) + "\r\n");
    return read_http();
  }

  // Performs the opening handshake; returns the server's reply (101 on success).
  HttpReply upgrade(std::string_view extra_headers = {}, std::string_view path = "/ws",
                    std::string_view version = "13") {
    write("GET " + std::string(path) +
          " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: " +
          std::string(version) + "\r\n" + std::string(extra_headers) + "\r\n");
    return read_http();
  }

  void send_text(std::string_view text) { write(client_frame(text)); }

  ServerFrame read_frame() {
    ServerFrame frame;
    if (!need(2)) return frame;
    const auto b0 = static_cast<unsigned char>(buf_[0]);
    const auto b1 = static_cast<unsigned char>(buf_[1]);
    std::size_t header = 2;
    std::uint64_t len = b1 & 0x7F;
    if (len == 126) header = 4;
    if (len == 127) header = 10;
    if (!need(header)) return frame;
    if (len == 126)
      len = (static_cast<unsigned char>(buf_[2]) << 8) | static_cast<unsigned char>(buf_[3]);
    if (len == 127) {
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | static_cast<unsigned char>(buf_[2 + i]);
    }
    if (!need(header + len)) return frame;
    frame.opcode = b0 & 0x0F;
    frame.payload = buf_.substr(header, len);
    buf_.erase(0, header + len);
    return frame;
  }

  // True when the server closes the connection (rather than the timeout passing).
  bool wait_eof() {
    char tmp[4096];
    while (true) {
      const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  bool need(std::size_t n) {
    while (buf_.size() < n)
      if (!fill()) return false;
    return true;
  }
  bool fill() {
    char tmp[65536];
    const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buf_;
};

}  // namespace parley::net::test

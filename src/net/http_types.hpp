#pragma once
// Plain HTTP request/response values exchanged between net/ and the layers above it (no Beast).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::net {

struct Header {
  std::string name;
  std::string value;
};

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target, e.g. "/api/rooms/7/messages?before=9"
  std::string path;    // target up to '?', percent-decoding not applied
  std::string query;   // target after '?', or empty
  std::vector<Header> headers;
  std::string body;
  std::string remote_address;  // peer IP as text (the API: the client behind trusted proxies)
  unsigned version = 11;       // 10 or 11

  // Case-insensitive lookup; empty view when absent.
  std::string_view header(std::string_view name) const noexcept;
  // Every value of a header that may repeat, in order.
  std::vector<std::string_view> header_values(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<Header> headers;  // Content-Type among them; Content-Length is set by net/
  std::string body;

  void set_header(std::string name, std::string value);
};

}  // namespace parley::net

#pragma once
// From a request Beast parsed to net/'s HttpRequest, and whether it asks for a WebSocket: shared
// by the HTTP session and the HTTP request fuzzer (tests/fuzz/http_request_fuzz.cpp).

#include <boost/beast/http.hpp>

#include <iterator>
#include <string>

#include "net/http_types.hpp"

namespace parley::net::detail {

inline bool is_websocket_upgrade(
    const boost::beast::http::request<boost::beast::http::string_body>& req) {
  namespace http = boost::beast::http;
  if (req.method() != http::verb::get || req.version() < 11) return false;
  const auto upgrade = req[http::field::upgrade];
  const auto connection = req[http::field::connection];
  return http::token_list(upgrade).exists("websocket") &&
         http::token_list(connection).exists("upgrade");
}

// Copies method, target and headers; moves the body when `with_body`.
inline void fill_request(HttpRequest& out,
                         boost::beast::http::request<boost::beast::http::string_body>& in,
                         bool with_body) {
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  const auto q = out.target.find('?');
  out.path = out.target.substr(0, q);
  out.query = q == std::string::npos ? std::string() : out.target.substr(q + 1);
  out.version = in.version();
  out.headers.reserve(std::distance(in.begin(), in.end()));
  for (const auto& field : in)
    out.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  if (with_body) out.body = std::move(in.body());
}

}  // namespace parley::net::detail

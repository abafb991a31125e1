#pragma once
// One REST request in flight: the parsed request, its request id, its path parameters, the
// caller's verified token, and the exactly-once reply.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "auth/jwt.hpp"
#include "common/error_code.hpp"
#include "net/http_handler.hpp"

namespace parley::http {

class Exchange {
 public:
  Exchange(net::HttpRequest request, std::string request_id, net::HttpHandler::Respond respond);

  const net::HttpRequest& request() const noexcept { return request_; }
  const std::string& request_id() const noexcept { return request_id_; }

  std::vector<std::string> params;  // path parameters in route order
  // What the request matched, for the access log and per-route metrics ("unmatched" until a
  // route matches, "static" for the web app's files).
  std::string_view route_template = "unmatched";
  std::size_t route_metric = SIZE_MAX;
  std::optional<auth::AccessClaims> claims;
  // The claims' session is not known to this instance yet: the store decides before the handler
  // runs (Api::invoke), once per session and instance.
  bool session_unconfirmed = false;

  // Path parameter `index` as an id; 404 when it is not one (an id that cannot exist).
  std::int64_t id_param(std::size_t index) const;

  // The request body as a JSON object; 400 when it is not one. An empty body is {} when
  // `allow_empty`.
  boost::json::object json_body(bool allow_empty = false) const;

  void reply(int status, const boost::json::value& body);
  // `json_text` is already serialised JSON.
  void reply_json_text(int status, std::string json_text);
  void reply_no_content();
  void reply_raw(net::HttpResponse response);
  void fail(ErrorCode code, std::string_view message, int retry_after_seconds = 0);

 private:
  void finish(net::HttpResponse response);

  net::HttpRequest request_;
  std::string request_id_;
  net::HttpHandler::Respond respond_;
  std::int64_t started_us_;
  bool replied_ = false;
};

using ExchangePtr = std::shared_ptr<Exchange>;

// Builds the contract's error response.
net::HttpResponse make_error_response(ErrorCode code, std::string_view message,
                                      const std::string& request_id, int retry_after_seconds = 0);

// Field readers for JSON bodies; each throws ApiError(bad_request) naming the field.
std::string string_field(const boost::json::object& body, std::string_view name);
std::optional<std::string> optional_string_field(const boost::json::object& body,
                                                 std::string_view name);
bool optional_bool_field(const boost::json::object& body, std::string_view name, bool fallback);

}  // namespace parley::http

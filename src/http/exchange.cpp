#include "http/exchange.hpp"

#include <boost/json.hpp>

#include "common/clock.hpp"
#include "observability/http_route_metrics.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"
#include "protocol/encode.hpp"
#include "protocol/validation.hpp"

namespace parley::http {
namespace json = boost::json;

Exchange::Exchange(net::HttpRequest request, std::string request_id,
                   net::HttpHandler::Respond respond)
    : request_(std::move(request)),
      request_id_(std::move(request_id)),
      respond_(std::move(respond)),
      started_us_(monotonic_us()) {}

std::int64_t Exchange::id_param(std::size_t index) const {
  auto id = index < params.size() ? protocol::parse_id(params[index]) : std::nullopt;
  if (!id) throw ApiError(ErrorCode::not_found, "no such resource");
  return *id;
}

json::object Exchange::json_body(bool allow_empty) const {
  const std::string& body = request_.body;
  if (body.empty() && allow_empty) return {};
  json::error_code ec;
  json::value v = protocol::parse_json(body, ec);
  if (ec) throw ApiError(ErrorCode::bad_request, "body is not valid JSON");
  if (!v.is_object()) throw ApiError(ErrorCode::bad_request, "body must be a JSON object");
  return std::move(v.as_object());
}

void Exchange::reply(int status, const json::value& body) {
  net::HttpResponse response;
  response.status = status;
  response.set_header("Content-Type", "application/json; charset=utf-8");
  response.body = json::serialize(body);
  finish(std::move(response));
}

void Exchange::reply_json_text(int status, std::string json_text) {
  net::HttpResponse response;
  response.status = status;
  response.set_header("Content-Type", "application/json; charset=utf-8");
  response.body = std::move(json_text);
  finish(std::move(response));
}

void Exchange::reply_no_content() {
  net::HttpResponse response;
  response.status = 204;
  finish(std::move(response));
}

void Exchange::reply_raw(net::HttpResponse response) {
  finish(std::move(response));
}

void Exchange::fail(ErrorCode code, std::string_view message, int retry_after_seconds) {
  obs::metrics().count_error(code, message);
  finish(make_error_response(code, message, request_id_, retry_after_seconds));
}

void Exchange::finish(net::HttpResponse response) {
  if (replied_) return;
  replied_ = true;
  response.set_header("X-Request-Id", request_id_);
  const auto duration_us = monotonic_us() - started_us_;
  obs::http_route_metrics().observe(route_metric, response.status,
                                    static_cast<std::uint64_t>(duration_us));
  // Access log: one line per request. The route template, not the path: paths carry ids, and
  // query strings (never logged) may carry tokens.
  obs::log_info("request",
                {obs::field("request_id", request_id_), obs::field("method", request_.method),
                 obs::field("route", route_template), obs::field("client", request_.remote_address),
                 obs::field("status", response.status), obs::field("duration_us", duration_us)});
  respond_(std::move(response));
}

net::HttpResponse make_error_response(ErrorCode code, std::string_view message,
                                      const std::string& request_id, int retry_after_seconds) {
  net::HttpResponse response;
  response.status = http_status(code);
  response.set_header("Content-Type", "application/json; charset=utf-8");
  response.set_header("X-Request-Id", request_id);
  if (retry_after_seconds > 0)
    response.set_header("Retry-After", std::to_string(retry_after_seconds));
  response.body = protocol::error_body(code, message);
  return response;
}

std::string string_field(const json::object& body, std::string_view name) {
  const json::value* v = body.if_contains(name);
  if (v == nullptr || v->is_null())
    throw ApiError(ErrorCode::bad_request, "missing field '" + std::string(name) + "'");
  if (!v->is_string())
    throw ApiError(ErrorCode::bad_request, "field '" + std::string(name) + "' must be a string");
  return std::string(v->get_string());
}

std::optional<std::string> optional_string_field(const json::object& body, std::string_view name) {
  const json::value* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string())
    throw ApiError(ErrorCode::bad_request, "field '" + std::string(name) + "' must be a string");
  return std::string(v->get_string());
}

bool optional_bool_field(const json::object& body, std::string_view name, bool fallback) {
  const json::value* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_bool())
    throw ApiError(ErrorCode::bad_request,
                   "field '" + std::string(name) + "' must be true or false");
  return v->get_bool();
}

}  // namespace parley::http

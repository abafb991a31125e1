#include "http/message_query.hpp"

#include <string>

#include "http/query.hpp"
#include "protocol/validation.hpp"

namespace parley::http {

std::optional<std::int64_t> id_query(const ExchangePtr& ex, std::string_view name,
                                     std::int64_t min) {
  auto text = query_param(ex->request().query, name);
  if (!text) return std::nullopt;
  auto id = protocol::parse_id(*text, min);
  if (!id)
    throw ApiError(ErrorCode::bad_request,
                   "query parameter '" + std::string(name) + "' must be a message id");
  return id;
}

int limit_query(const ExchangePtr& ex, int fallback, int max) {
  auto text = query_param(ex->request().query, "limit");
  if (!text) return fallback;
  auto n = protocol::parse_id(*text, 1);
  if (!n || *n > max)
    throw ApiError(ErrorCode::bad_request,
                   "query parameter 'limit' must be 1 to " + std::to_string(max));
  return static_cast<int>(*n);
}

std::optional<std::int64_t> optional_id_field(const boost::json::object& body,
                                              std::string_view name) {
  const boost::json::value* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) return std::nullopt;
  auto id = protocol::as_id(*v);
  if (!id)
    throw ApiError(ErrorCode::bad_request,
                   "field '" + std::string(name) + "' must be a positive integer id");
  return id;
}

}  // namespace parley::http

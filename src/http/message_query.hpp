#pragma once
// Query and body fields the message endpoints share, each refused with the contract's 400 naming
// the field.

#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/json/object.hpp>

#include "http/exchange.hpp"

namespace parley::http {

// An id query parameter of at least `min`; nullopt when absent.
std::optional<std::int64_t> id_query(const ExchangePtr& ex, std::string_view name,
                                     std::int64_t min);
// `limit`, 1 to `max`, `fallback` when absent.
int limit_query(const ExchangePtr& ex, int fallback, int max);
// A positive integer id field of a JSON body; nullopt when absent or null.
std::optional<std::int64_t> optional_id_field(const boost::json::object& body,
                                              std::string_view name);

}  // namespace parley::http

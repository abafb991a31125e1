#pragma once
// Query and body fields the message endpoints share, each refused with the contract's 400 naming
// the field.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/message.hpp"
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

// One row more than asked tells whether the page reaches the end: drops it and returns the
// cursor of the next page (the last message's `cursor_of`), or nullopt.
template <typename CursorOf>
std::optional<std::int64_t> trim_page(std::vector<domain::Message>& rows, int limit,
                                      CursorOf cursor_of) {
  if (static_cast<int>(rows.size()) <= limit) return std::nullopt;
  rows.pop_back();
  return cursor_of(rows.back());
}

inline std::int64_t id_of(const domain::Message& m) {
  return m.id;
}

}  // namespace parley::http

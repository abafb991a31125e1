// GET /api/search: the messages of the caller's rooms that contain every word of `q`, newest
// first, paged like history (PROTOCOL.md "Search").

#include <string>

#include "common/text.hpp"
#include "http/api.hpp"
#include "http/message_query.hpp"
#include "http/query.hpp"
#include "http/room_access.hpp"
#include "protocol/encode.hpp"
#include "protocol/validation.hpp"

namespace parley::http {
namespace {

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;
constexpr std::ptrdiff_t kMaxQueryLength = 200;

// The words of `q`, or 400: q is 1-200 characters of UTF-8 with at least one letter or digit.
std::vector<std::string> query_words(const ExchangePtr& ex) {
  auto q = query_param(ex->request().query, "q");
  if (!q) throw ApiError(ErrorCode::bad_request, "query parameter 'q' is required");
  std::ptrdiff_t length = utf8_length(*q);
  if (length < 1 || length > kMaxQueryLength)
    throw ApiError(ErrorCode::bad_request,
                   "query parameter 'q' must be 1 to 200 characters of UTF-8 text");
  auto words = text_words(*q);
  if (words.empty())
    throw ApiError(ErrorCode::bad_request, "query parameter 'q' must contain a letter or digit");
  return words;
}

std::optional<std::int64_t> room_query(const ExchangePtr& ex) {
  auto text = query_param(ex->request().query, "room");
  if (!text) return std::nullopt;
  auto id = protocol::parse_id(*text, 1);
  if (!id) throw ApiError(ErrorCode::bad_request, "query parameter 'room' must be a room id");
  return id;
}

void search(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  store::SearchQuery query;
  query.viewer_id = user.user_id;
  query.words = query_words(ex);
  query.room_id = room_query(ex);
  query.before = id_query(ex, "before", 1);
  int limit = limit_query(ex, kDefaultLimit, kMaxLimit);
  query.limit = limit + 1;
  auto& store = api.services().store;
  // The same 403/404 as reading that room's history; the search itself joins on membership too.
  if (query.room_id) member_room(store, *query.room_id, user.user_id);
  auto rows = store.search_messages(query);
  auto cursor = trim_page(rows, limit, id_of);
  ex->reply_json_text(200, protocol::message_page_text(rows, "next_before", cursor));
}

}  // namespace

void add_search_routes(Api& api) {
  api.add_endpoint("GET", "/api/search", search);
}

}  // namespace parley::http

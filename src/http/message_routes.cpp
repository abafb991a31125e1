// GET and POST /api/rooms/{id}/messages: history pages and REST sends (delivered live too); the
// thread and change pages.

#include <algorithm>
#include <boost/json.hpp>

#include "http/api.hpp"
#include "http/message_query.hpp"
#include "http/room_access.hpp"
#include "protocol/encode.hpp"
#include "protocol/validation.hpp"
#include "realtime/write_path.hpp"

namespace parley::http {
namespace json = boost::json;
namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 100;
constexpr int kDefaultChangesLimit = 100;
constexpr int kMaxChangesLimit = 500;

// ?around=<id>: the message and its neighbours, newest first, `limit` in all: half older, half
// newer, the other side filling in where one runs out (a documented addition, for opening a
// search result in its place).
void reply_around(Api& api, const ExchangePtr& ex, std::int64_t room_id, std::int64_t around,
                  int limit) {
  auto& store = api.services().store;
  auto older = store.messages_before(room_id, around + 1, limit + 1);  // the message first
  if (older.empty() || older.front().id != around)
    throw ApiError(ErrorCode::not_found,
                   "no message " + std::to_string(around) + " in room " + std::to_string(room_id));
  auto newer = store.messages_after(room_id, around, limit);  // oldest first
  const std::size_t room_left = static_cast<std::size_t>(limit) - 1;
  const std::size_t older_left = older.size() - 1;
  const std::size_t want_older =
      std::max(room_left / 2, room_left - std::min(room_left, newer.size()));
  const std::size_t n_old = std::min(older_left, want_older);
  const std::size_t n_new = std::min(newer.size(), room_left - n_old);
  std::vector<domain::Message> page(newer.rend() - static_cast<std::ptrdiff_t>(n_new),
                                    newer.rend());
  page.insert(page.end(), older.begin(), older.begin() + static_cast<std::ptrdiff_t>(n_old + 1));
  std::optional<std::int64_t> next_before, next_after;
  if (older_left > n_old) next_before = page.back().id;
  if (newer.size() > n_new) next_after = page.front().id;
  ex->reply_json_text(200, protocol::message_window_text(page, next_before, next_after));
}

void list_messages(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  std::int64_t room_id = ex->id_param(0);
  auto before = id_query(ex, "before", 1);
  auto after = id_query(ex, "after", 0);
  auto around = id_query(ex, "around", 1);
  int limit = limit_query(ex, kDefaultLimit, kMaxLimit);
  if ((before ? 1 : 0) + (after ? 1 : 0) + (around ? 1 : 0) > 1)
    throw ApiError(ErrorCode::bad_request, "give one of 'before', 'after' and 'around'");
  auto& store = api.services().store;
  member_room(store, room_id, user.user_id);
  if (around) return reply_around(api, ex, room_id, *around, limit);
  auto rows = after ? store.messages_after(room_id, *after, limit + 1)
                    : store.messages_before(room_id, before, limit + 1);
  auto cursor = trim_page(rows, limit, id_of);
  ex->reply_json_text(
      200, protocol::message_page_text(rows, after ? "next_after" : "next_before", cursor));
}

void list_replies(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  std::int64_t room_id = ex->id_param(0);
  std::int64_t parent_id = ex->id_param(1);
  auto after = id_query(ex, "after", 0);
  int limit = limit_query(ex, kDefaultLimit, kMaxLimit);
  auto& store = api.services().store;
  member_room(store, room_id, user.user_id);
  if (!store.find_message(room_id, parent_id))
    throw ApiError(ErrorCode::not_found, "no message " + std::to_string(parent_id) + " in room " +
                                             std::to_string(room_id));
  auto rows = store.replies(room_id, parent_id, after.value_or(0), limit + 1);
  auto cursor = trim_page(rows, limit, id_of);
  ex->reply_json_text(200, protocol::message_page_text(rows, "next_after", cursor));
}

void list_changes(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  std::int64_t room_id = ex->id_param(0);
  auto since = id_query(ex, "since", 0);
  if (!since) throw ApiError(ErrorCode::bad_request, "query parameter 'since' is required");
  int limit = limit_query(ex, kDefaultChangesLimit, kMaxChangesLimit);
  auto& store = api.services().store;
  member_room(store, room_id, user.user_id);
  auto rows = store.changes_since(room_id, *since, limit + 1);
  auto cursor = trim_page(rows, limit, [](const domain::Message& m) { return m.position(); });
  ex->reply_json_text(200, protocol::message_page_text(rows, "next_since", cursor));
}

void post_message(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  std::int64_t room_id = ex->id_param(0);
  auto body = ex->json_body();
  store::NewMessage message;
  message.room_id = room_id;
  message.user_id = user.user_id;
  auto attachments = protocol::check_attachments(body.if_contains("attachments"));
  if (attachments.error) throw ApiError(ErrorCode::bad_request, *attachments.error);
  message.attachments = std::move(attachments.ids);
  message.body = string_field(body, "body");
  if (auto e = protocol::check_send_body(message.body, !message.attachments.empty()))
    throw ApiError(ErrorCode::bad_request, *e);
  message.client_id = optional_string_field(body, "client_id");
  if (message.client_id)
    if (auto e = protocol::check_client_id(*message.client_id))
      throw ApiError(ErrorCode::bad_request, *e);
  auto meta = protocol::check_meta(body.if_contains("meta"));
  if (meta.error) throw ApiError(ErrorCode::bad_request, *meta.error);
  message.meta_json = std::move(meta.json);
  message.reply_to = optional_id_field(body, "reply_to");

  realtime::submit_write(api.services(), std::move(message), {user.user_id, user.username, nullptr},
                         [ex, room_id](const store::WriteResult* result) {
                           if (auto error = realtime::write_error(result, room_id)) {
                             ex->fail(error->code, error->message);
                             return;
                           }
                           ex->reply_json_text(
                               result->status == store::WriteStatus::stored ? 201 : 200,
                               protocol::message_text(result->message));
                         });
}

}  // namespace

void add_message_routes(Api& api) {
  api.add_endpoint("GET", "/api/rooms/{}/messages", list_messages);
  api.add_endpoint("POST", "/api/rooms/{}/messages", post_message);
  api.add_endpoint("GET", "/api/rooms/{}/messages/{}/replies", list_replies);
  api.add_endpoint("GET", "/api/rooms/{}/changes", list_changes);
  add_message_change_routes(api);
  add_read_routes(api);
}

}  // namespace parley::http

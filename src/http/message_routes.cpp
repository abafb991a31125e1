// GET and POST /api/rooms/{id}/messages: history pages and REST sends (delivered live too).

#include <boost/json.hpp>

#include "http/api.hpp"
#include "http/query.hpp"
#include "http/room_access.hpp"
#include "protocol/encode.hpp"
#include "protocol/validation.hpp"
#include "realtime/message_sender.hpp"

namespace parley::http {
namespace json = boost::json;
namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 100;

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

int limit_query(const ExchangePtr& ex) {
  auto text = query_param(ex->request().query, "limit");
  if (!text) return kDefaultLimit;
  auto n = protocol::parse_id(*text, 1);
  if (!n || *n > kMaxLimit)
    throw ApiError(ErrorCode::bad_request, "query parameter 'limit' must be 1 to 100");
  return static_cast<int>(*n);
}

void list_messages(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  std::int64_t room_id = ex->id_param(0);
  auto before = id_query(ex, "before", 1);
  auto after = id_query(ex, "after", 0);
  int limit = limit_query(ex);
  if (before && after) throw ApiError(ErrorCode::bad_request, "give 'before' or 'after', not both");
  auto& store = api.services().store;
  member_room(store, room_id, user.user_id);

  // One row more than asked tells whether the page reaches the end.
  auto rows = after ? store.messages_after(room_id, *after, limit + 1)
                    : store.messages_before(room_id, before, limit + 1);
  bool more = static_cast<int>(rows.size()) > limit;
  if (more) rows.pop_back();
  std::optional<std::int64_t> cursor;
  if (more) cursor = rows.back().id;
  ex->reply_json_text(
      200, protocol::message_page_text(rows, after ? "next_after" : "next_before", cursor));
}

void post_message(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  std::int64_t room_id = ex->id_param(0);
  auto body = ex->json_body();
  store::NewMessage message;
  message.room_id = room_id;
  message.user_id = user.user_id;
  message.body = string_field(body, "body");
  if (auto e = protocol::check_body(message.body)) throw ApiError(ErrorCode::bad_request, *e);
  message.client_id = optional_string_field(body, "client_id");
  if (message.client_id)
    if (auto e = protocol::check_client_id(*message.client_id))
      throw ApiError(ErrorCode::bad_request, *e);
  auto meta = protocol::check_meta(body.if_contains("meta"));
  if (meta.error) throw ApiError(ErrorCode::bad_request, *meta.error);
  message.meta_json = std::move(meta.json);

  realtime::send_message(
      api.services(), std::move(message), [ex, room_id](const realtime::SendOutcome& outcome) {
        using Status = realtime::SendOutcome::Status;
        switch (outcome.status) {
          case Status::stored:
            ex->reply_json_text(201, protocol::message_text(*outcome.message));
            return;
          case Status::duplicate:
            ex->reply_json_text(200, protocol::message_text(*outcome.message));
            return;
          case Status::forbidden:
            ex->fail(ErrorCode::forbidden, "not a member of room " + std::to_string(room_id));
            return;
          case Status::not_found:
            ex->fail(ErrorCode::not_found, "no room " + std::to_string(room_id));
            return;
          case Status::unavailable:
            ex->fail(ErrorCode::unavailable, "message not stored; try again");
            return;
        }
      });
}

}  // namespace

void add_message_routes(Api& api) {
  api.add_endpoint("GET", "/api/rooms/{}/messages", list_messages);
  api.add_endpoint("POST", "/api/rooms/{}/messages", post_message);
}

}  // namespace parley::http

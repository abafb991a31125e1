// Changes to a stored message: PATCH (edit) and DELETE of /api/rooms/{id}/messages/{mid}, and the
// caller's reaction, PUT and DELETE /api/rooms/{id}/messages/{mid}/reactions/{emoji}. Each goes
// through the group-commit writer like a send; its event reaches the room's subscribers.

#include <boost/json.hpp>

#include "http/api.hpp"
#include "http/query.hpp"
#include "protocol/emoji.hpp"
#include "protocol/encode.hpp"
#include "protocol/validation.hpp"
#include "realtime/write_path.hpp"

namespace parley::http {
namespace {

enum class Answer { message, no_content };

void submit_change(Api& api, const ExchangePtr& ex, store::Write write, std::int64_t room_id,
                   std::int64_t message_id, Answer answer) {
  const auto& user = require_user(ex);
  realtime::submit_write(api.services(), std::move(write), {user.user_id, user.username, nullptr},
                         [ex, room_id, message_id, answer](const store::WriteResult* result) {
                           if (auto error = realtime::write_error(result, room_id, message_id)) {
                             ex->fail(error->code, error->message);
                             return;
                           }
                           if (answer == Answer::no_content)
                             ex->reply_no_content();
                           else
                             ex->reply_json_text(200, protocol::message_text(result->message));
                         });
}

void edit_message(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  auto body = ex->json_body();
  store::EditMessage edit;
  edit.room_id = ex->id_param(0);
  edit.message_id = ex->id_param(1);
  edit.user_id = user.user_id;
  edit.body = string_field(body, "body");
  if (auto e = protocol::check_body(edit.body)) throw ApiError(ErrorCode::bad_request, *e);
  auto meta = protocol::check_meta(body.if_contains("meta"));
  if (meta.error) throw ApiError(ErrorCode::bad_request, *meta.error);
  edit.replace_meta = meta.json.has_value();
  edit.meta_json = std::move(meta.json);
  const auto room_id = edit.room_id;
  const auto message_id = edit.message_id;
  submit_change(api, ex, std::move(edit), room_id, message_id, Answer::message);
}

void delete_message(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  store::DeleteMessage del{ex->id_param(0), ex->id_param(1), user.user_id};
  submit_change(api, ex, del, del.room_id, del.message_id, Answer::no_content);
}

// The {emoji} path segment, percent-decoded ('+' is a plus) and checked.
std::string emoji_param(const ExchangePtr& ex) {
  auto emoji = percent_decode(ex->params.at(2), false);
  if (!emoji) throw ApiError(ErrorCode::bad_request, "emoji is not validly percent-encoded");
  if (auto e = protocol::check_emoji(*emoji)) throw ApiError(ErrorCode::bad_request, *e);
  return *emoji;
}

void react(Api& api, const ExchangePtr& ex, bool on) {
  const auto& user = require_user(ex);
  store::ReactMessage react{ex->id_param(0), ex->id_param(1), user.user_id, emoji_param(ex), on};
  const auto room_id = react.room_id;
  const auto message_id = react.message_id;
  submit_change(api, ex, std::move(react), room_id, message_id, Answer::message);
}

void add_reaction(Api& api, const ExchangePtr& ex) {
  react(api, ex, true);
}

void remove_reaction(Api& api, const ExchangePtr& ex) {
  react(api, ex, false);
}

}  // namespace

void add_message_change_routes(Api& api) {
  api.add_endpoint("PATCH", "/api/rooms/{}/messages/{}", edit_message);
  api.add_endpoint("DELETE", "/api/rooms/{}/messages/{}", delete_message);
  api.add_endpoint("PUT", "/api/rooms/{}/messages/{}/reactions/{}", add_reaction);
  api.add_endpoint("DELETE", "/api/rooms/{}/messages/{}/reactions/{}", remove_reaction);
}

}  // namespace parley::http

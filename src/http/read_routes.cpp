// POST /api/rooms/{id}/read: moves the caller's read position (forward only) through the
// group-commit writer; every connection of the caller hears the new read state.

#include <boost/json.hpp>

#include "http/api.hpp"
#include "http/message_query.hpp"
#include "protocol/encode.hpp"
#include "realtime/write_path.hpp"

namespace parley::http {
namespace {

void mark_read(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  const std::int64_t room_id = ex->id_param(0);
  auto body = ex->json_body();
  if (body.if_contains("up_to") == nullptr)
    throw ApiError(ErrorCode::bad_request, "missing field 'up_to'");
  auto up_to = optional_id_field(body, "up_to");
  if (!up_to) throw ApiError(ErrorCode::bad_request, "field 'up_to' must be a positive integer id");
  realtime::submit_write(api.services(), store::MarkRead{room_id, user.user_id, *up_to},
                         {user.user_id, user.username, nullptr},
                         [ex, room_id](const store::WriteResult* result) {
                           if (auto error = realtime::write_error(result, room_id)) {
                             ex->fail(error->code, error->message);
                             return;
                           }
                           ex->reply_json_text(200, protocol::read_state_text(result->read));
                         });
}

}  // namespace

void add_read_routes(Api& api) {
  api.add_endpoint("POST", "/api/rooms/{}/read", mark_read);
}

}  // namespace parley::http

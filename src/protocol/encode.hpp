#pragma once
// Encodes the contract's objects (User, Room, Message) and every server-to-client frame. The one
// place that knows the wire shape of what the server sends.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "common/error_code.hpp"
#include "domain/message.hpp"
#include "domain/read_state.hpp"
#include "domain/room.hpp"
#include "domain/upload.hpp"
#include "domain/user.hpp"

namespace parley::protocol {

boost::json::object user_json(const domain::User& user);
boost::json::object room_json(const domain::Room& room);
// Upload = {"id","name","size","content_type","url"} plus "width" and "height" for images.
boost::json::object upload_json(const domain::Upload& upload);
// A Message object as JSON text (meta spliced in as stored, never re-parsed).
std::string message_text(const domain::Message& message);
// A page around one message: `{"messages", "next_before", "next_after"}` (null: no more that way).
std::string message_window_text(std::span<const domain::Message> messages,
                                std::optional<std::int64_t> next_before,
                                std::optional<std::int64_t> next_after);
// {"messages":[...],"<cursor_name>":cursor|null}: a history page.
std::string message_page_text(std::span<const domain::Message> messages,
                              std::string_view cursor_name, std::optional<std::int64_t> cursor);

// {"type":"message", ...Message}: encoded once per message, shared by every subscriber.
std::string message_frame(const domain::Message& message);
// {"type":"message_updated", ...Message}: a change, the message in its new state.
std::string message_updated_frame(const domain::Message& message);
// {"type":"updated","ref","room","id","rev"}: the reply to an edit, delete or react frame.
std::string updated_frame(const std::optional<std::string>& ref, const domain::Message& message);
// {"type":"mention","room","message": Message}.
std::string mention_frame(const domain::Message& message);
// ReadState as a REST body, and as {"type":"read_state", ...ReadState, "ref"?}.
std::string read_state_text(const domain::ReadState& state);
std::string read_state_frame(const std::optional<std::string>& ref, const domain::ReadState& state);
// {"type":"receipt","room","user":{"id","username"},"last_read"}.
std::string receipt_frame(std::int64_t room_id, std::int64_t user_id, std::string_view username,
                          std::int64_t last_read);

std::string ack_frame(const std::optional<std::string>& ref, const domain::Message& message);
std::string error_frame(const std::optional<std::string>& ref, ErrorCode code,
                        std::string_view message);
std::string authed_frame(const std::optional<std::string>& ref, const domain::User& user);
// What `joined` shows of the room's history after `since`.
struct CatchUpPages {
  std::span<const domain::Message> missed;
  bool missed_truncated = false;
  std::span<const domain::Message> changed;
  bool changed_truncated = false;
};
std::string joined_frame(const std::optional<std::string>& ref, const domain::Room& room,
                         std::span<const domain::User> online, const CatchUpPages& pages);
std::string left_frame(const std::optional<std::string>& ref, std::int64_t room_id);
std::string pong_frame(const std::optional<std::string>& ref);
std::string presence_frame(std::int64_t room_id, const domain::User& user, bool joined);
std::string typing_frame(std::int64_t room_id, std::int64_t user_id, std::string_view username);
std::string room_deleted_frame(std::int64_t room_id);
// `data_json` is a serialised JSON object.
std::string notification_frame(std::string_view event, std::string_view data_json,
                               std::int64_t ts_ms);

// REST error body {"error":{"code","message"}}.
std::string error_body(ErrorCode code, std::string_view message);

}  // namespace parley::protocol

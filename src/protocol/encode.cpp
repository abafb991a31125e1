#include "protocol/encode.hpp"

#include <boost/json.hpp>

#include "common/clock.hpp"
#include "common/json_escape.hpp"

namespace parley::protocol {
namespace json = boost::json;
namespace {

void append_string(std::string& out, std::string_view s) {
  out += '"';
  append_json_escaped(out, s);
  out += '"';
}

void append_message_fields(std::string& out, const domain::Message& m) {
  out += "\"id\":";
  out += std::to_string(m.id);
  out += ",\"room\":";
  out += std::to_string(m.room_id);
  out += ",\"from\":{\"id\":";
  out += std::to_string(m.user_id);
  out += ",\"username\":";
  append_string(out, m.username);
  out += "},\"body\":";
  append_string(out, m.body);
  out += ",\"ts\":";
  append_string(out, format_rfc3339_ms(m.ts_ms));
  if (m.client_id) {
    out += ",\"client_id\":";
    append_string(out, *m.client_id);
  }
  out += ",\"rev\":";
  out += std::to_string(m.rev != 0 ? m.rev : m.id);
  if (m.reply_to) {
    out += ",\"reply_to\":";
    out += std::to_string(*m.reply_to);
  }
  if (m.reply_count > 0) {
    out += ",\"reply_count\":";
    out += std::to_string(m.reply_count);
    if (m.last_reply_at_ms) {
      out += ",\"last_reply_at\":";
      append_string(out, format_rfc3339_ms(*m.last_reply_at_ms));
    }
  }
  // A tombstone keeps its place in the room and thread, and nothing of what it said.
  if (m.deleted) {
    out += ",\"deleted\":true";
    return;
  }
  if (m.meta_json) {
    out += ",\"meta\":";
    out += *m.meta_json;
  }
  if (m.edited_at_ms) {
    out += ",\"edited_at\":";
    append_string(out, format_rfc3339_ms(*m.edited_at_ms));
  }
  if (m.reactions_json) {
    out += ",\"reactions\":";
    out += *m.reactions_json;
  }
  if (m.attachments_json) {
    out += ",\"attachments\":";
    out += *m.attachments_json;
  }
  if (!m.mentions.empty()) {
    out += ",\"mentions\":[";
    for (std::size_t i = 0; i < m.mentions.size(); ++i) {
      if (i) out += ',';
      out += std::to_string(m.mentions[i]);
    }
    out += ']';
  }
}

// `[Message, …]`.
void append_messages(std::string& out, std::span<const domain::Message> messages) {
  out += '[';
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (i) out += ',';
    out += '{';
    append_message_fields(out, messages[i]);
    out += '}';
  }
  out += ']';
}

void append_read_state_fields(std::string& out, const domain::ReadState& state) {
  out += "\"room\":";
  out += std::to_string(state.room_id);
  out += ",\"last_read\":";
  out += std::to_string(state.last_read);
  out += ",\"unread\":";
  out += std::to_string(state.unread);
  out += ",\"mentions\":";
  out += std::to_string(state.mentions);
}

void set_ref(json::object& o, const std::optional<std::string>& ref) {
  if (ref) o["ref"] = *ref;
}

}  // namespace

json::object user_json(const domain::User& user) {
  json::object o{{"id", user.id},
                 {"username", user.username},
                 {"role", user.role},
                 {"created_at", format_rfc3339_ms(user.created_at_ms)}};
  if (user.deactivated) o["deactivated"] = true;  // v1.1: present only while deactivated
  return o;
}

json::object room_json(const domain::Room& room) {
  json::object o{{"id", room.id},
                 {"name", room.name},
                 {"private", room.is_private},
                 {"owner_id", room.owner_id},
                 {"created_at", format_rfc3339_ms(room.created_at_ms)},
                 {"member_count", room.member_count},
                 {"joined", room.joined}};
  if (room.is_dm) o["dm"] = true;
  if (room.reading) {
    const auto& read = room.reading->read;
    o["last_read"] = read.last_read;
    o["unread"] = read.unread;
    o["mentions"] = read.mentions;
    o["last_message"] = room.reading->last_message
                            ? json::parse(message_text(*room.reading->last_message))
                            : json::value(nullptr);
  }
  return o;
}

json::object upload_json(const domain::Upload& u) {
  json::object o;
  o["id"] = u.id;
  o["name"] = u.name;
  o["size"] = u.size;
  o["content_type"] = u.content_type;
  o["url"] = u.url();
  if (u.width && u.height) {
    o["width"] = *u.width;
    o["height"] = *u.height;
  }
  return o;
}

std::string message_text(const domain::Message& m) {
  std::string text = "{";
  append_message_fields(text, m);
  text += '}';
  return text;
}

std::string message_page_text(std::span<const domain::Message> messages,
                              std::string_view cursor_name, std::optional<std::int64_t> cursor) {
  std::string out = "{\"messages\":";
  append_messages(out, messages);
  out += ",\"";
  out += cursor_name;
  out += "\":";
  out += cursor ? std::to_string(*cursor) : "null";
  out += '}';
  return out;
}

std::string message_window_text(std::span<const domain::Message> messages,
                                std::optional<std::int64_t> next_before,
                                std::optional<std::int64_t> next_after) {
  std::string out = "{\"messages\":";
  append_messages(out, messages);
  out += ",\"next_before\":";
  out += next_before ? std::to_string(*next_before) : "null";
  out += ",\"next_after\":";
  out += next_after ? std::to_string(*next_after) : "null";
  out += '}';
  return out;
}

std::string message_frame(const domain::Message& m) {
  std::string out;
  out.reserve(160 + m.body.size() + (m.meta_json ? m.meta_json->size() : 0));
  out += "{\"type\":\"message\",";
  append_message_fields(out, m);
  out += '}';
  return out;
}

std::string message_updated_frame(const domain::Message& m) {
  std::string out;
  out.reserve(200 + m.body.size() + (m.meta_json ? m.meta_json->size() : 0) +
              (m.reactions_json ? m.reactions_json->size() : 0));
  out += "{\"type\":\"message_updated\",";
  append_message_fields(out, m);
  out += '}';
  return out;
}

std::string updated_frame(const std::optional<std::string>& ref, const domain::Message& m) {
  std::string out = "{\"type\":\"updated\",\"room\":";
  out += std::to_string(m.room_id);
  out += ",\"id\":";
  out += std::to_string(m.id);
  out += ",\"rev\":";
  out += std::to_string(m.rev != 0 ? m.rev : m.id);
  if (ref) {
    out += ",\"ref\":";
    append_string(out, *ref);
  }
  out += '}';
  return out;
}

std::string mention_frame(const domain::Message& m) {
  std::string out = "{\"type\":\"mention\",\"room\":";
  out += std::to_string(m.room_id);
  out += ",\"message\":";
  out += message_text(m);
  out += '}';
  return out;
}

std::string read_state_text(const domain::ReadState& state) {
  std::string out = "{";
  append_read_state_fields(out, state);
  out += '}';
  return out;
}

std::string read_state_frame(const std::optional<std::string>& ref,
                             const domain::ReadState& state) {
  std::string out = "{\"type\":\"read_state\",";
  append_read_state_fields(out, state);
  if (ref) {
    out += ",\"ref\":";
    append_string(out, *ref);
  }
  out += '}';
  return out;
}

std::string receipt_frame(std::int64_t room_id, std::int64_t user_id, std::string_view username,
                          std::int64_t last_read) {
  std::string out = "{\"type\":\"receipt\",\"room\":";
  out += std::to_string(room_id);
  out += ",\"user\":{\"id\":";
  out += std::to_string(user_id);
  out += ",\"username\":";
  append_string(out, username);
  out += "},\"last_read\":";
  out += std::to_string(last_read);
  out += '}';
  return out;
}

// Built by hand: one ack per stored message, on the writer thread's hot path.
std::string ack_frame(const std::optional<std::string>& ref, const domain::Message& m) {
  std::string out;
  out.reserve(128);
  out += "{\"type\":\"ack\",\"room\":";
  out += std::to_string(m.room_id);
  out += ",\"id\":";
  out += std::to_string(m.id);
  out += ",\"ts\":";
  append_string(out, format_rfc3339_ms(m.ts_ms));
  if (ref) {
    out += ",\"ref\":";
    append_string(out, *ref);
  }
  out += ",\"client_id\":";
  if (m.client_id)
    append_string(out, *m.client_id);
  else
    out += "null";
  out += '}';
  return out;
}

std::string error_frame(const std::optional<std::string>& ref, ErrorCode code,
                        std::string_view message) {
  json::object o{{"type", "error"}, {"code", to_string(code)}, {"message", message}};
  if (ref) o["ref"] = *ref;
  return json::serialize(o);
}

std::string authed_frame(const std::optional<std::string>& ref, const domain::User& user) {
  json::object o{{"type", "authed"}, {"user", user_json(user)}};
  set_ref(o, ref);
  return json::serialize(o);
}

std::string joined_frame(const std::optional<std::string>& ref, const domain::Room& room,
                         std::span<const domain::User> online, const CatchUpPages& pages) {
  json::array online_json;
  for (const auto& u : online) online_json.push_back(user_json(u));
  json::object o{{"type", "joined"},
                 {"room", room_json(room)},
                 {"online", std::move(online_json)},
                 {"missed_truncated", pages.missed_truncated},
                 {"changed_truncated", pages.changed_truncated}};
  set_ref(o, ref);
  // The messages are spliced in as pre-encoded text, never re-parsed.
  std::string text = json::serialize(o);
  text.pop_back();
  text += ",\"missed\":";
  append_messages(text, pages.missed);
  text += ",\"changed\":";
  append_messages(text, pages.changed);
  text += '}';
  return text;
}

std::string left_frame(const std::optional<std::string>& ref, std::int64_t room_id) {
  json::object o{{"type", "left"}, {"room", room_id}};
  set_ref(o, ref);
  return json::serialize(o);
}

std::string pong_frame(const std::optional<std::string>& ref) {
  json::object o{{"type", "pong"}};
  set_ref(o, ref);
  return json::serialize(o);
}

std::string presence_frame(std::int64_t room_id, const domain::User& user, bool joined) {
  json::object o{{"type", "presence"},
                 {"room", room_id},
                 {"user", user_json(user)},
                 {"event", joined ? "join" : "leave"}};
  return json::serialize(o);
}

std::string typing_frame(std::int64_t room_id, std::int64_t user_id, std::string_view username) {
  json::object o{{"type", "typing"},
                 {"room", room_id},
                 {"user", json::object{{"id", user_id}, {"username", username}}}};
  return json::serialize(o);
}

std::string room_deleted_frame(std::int64_t room_id) {
  return json::serialize(json::object{{"type", "room_deleted"}, {"room", room_id}});
}

std::string notification_frame(std::string_view event, std::string_view data_json,
                               std::int64_t ts_ms) {
  std::string out = "{\"type\":\"notification\",\"event\":";
  append_string(out, event);
  out += ",\"data\":";
  out += data_json;
  out += ",\"ts\":";
  append_string(out, format_rfc3339_ms(ts_ms));
  out += '}';
  return out;
}

std::string error_body(ErrorCode code, std::string_view message) {
  return json::serialize(
      json::object{{"error", json::object{{"code", to_string(code)}, {"message", message}}}});
}

}  // namespace parley::protocol

#include "protocol/client_frame.hpp"

#include <boost/json.hpp>

#include "protocol/emoji.hpp"
#include "protocol/validation.hpp"

namespace parley::protocol {
namespace json = boost::json;
namespace {

// Reads field `name` of `o` as an id; throws the message for FrameError.
std::int64_t required_id(const json::object& o, std::string_view name, std::int64_t min = 1) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr) throw std::string("missing field '") + std::string(name) + "'";
  auto id = as_id(*v, min);
  if (!id) throw std::string("field '") + std::string(name) + "' must be a positive integer id";
  return *id;
}

std::string required_string(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr) throw std::string("missing field '") + std::string(name) + "'";
  if (!v->is_string()) throw std::string("field '") + std::string(name) + "' must be a string";
  return std::string(v->get_string());
}

std::optional<std::int64_t> optional_id(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return std::nullopt;
  auto id = as_id(*v);
  if (!id) throw std::string("field '") + std::string(name) + "' must be a positive integer id";
  return id;
}

bool required_bool(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr) throw std::string("missing field '") + std::string(name) + "'";
  if (!v->is_bool()) throw std::string("field '") + std::string(name) + "' must be true or false";
  return v->get_bool();
}

std::string checked_body(const json::object& o) {
  std::string body = required_string(o, "body");
  if (auto e = check_body(body)) throw std::string(*e);
  return body;
}

ClientFrameBody parse_body(std::string_view type, const json::object& o) {
  if (type == "auth") return AuthFrame{required_string(o, "token")};
  if (type == "join") {
    JoinFrame f{required_id(o, "room"), std::nullopt};
    if (const json::value* s = o.if_contains("since"); s != nullptr && !s->is_null()) {
      auto since = as_id(*s, 0);
      if (!since) throw std::string("field 'since' must be a non-negative integer id");
      f.since = since;
    }
    return f;
  }
  if (type == "leave") return LeaveFrame{required_id(o, "room")};
  if (type == "typing") return TypingFrame{required_id(o, "room")};
  if (type == "ping") return PingFrame{};
  if (type == "send") {
    SendFrame f;
    f.room = required_id(o, "room");
    auto attachments = check_attachments(o.if_contains("attachments"));
    if (attachments.error) throw *attachments.error;
    f.attachments = std::move(attachments.ids);
    f.body = required_string(o, "body");
    if (auto e = check_send_body(f.body, !f.attachments.empty())) throw std::string(*e);
    if (const json::value* c = o.if_contains("client_id"); c != nullptr && !c->is_null()) {
      if (!c->is_string()) throw std::string("field 'client_id' must be a string");
      f.client_id = std::string(c->get_string());
      if (auto e = check_client_id(*f.client_id)) throw std::string(*e);
    }
    auto meta = check_meta(o.if_contains("meta"));
    if (meta.error) throw *meta.error;
    f.meta_json = std::move(meta.json);
    f.reply_to = optional_id(o, "reply_to");
    return f;
  }
  if (type == "edit") {
    EditFrame f;
    f.room = required_id(o, "room");
    f.id = required_id(o, "id");
    f.body = checked_body(o);
    auto meta = check_meta(o.if_contains("meta"));
    if (meta.error) throw *meta.error;
    f.replace_meta = meta.json.has_value();
    f.meta_json = std::move(meta.json);
    return f;
  }
  if (type == "delete") return DeleteFrame{required_id(o, "room"), required_id(o, "id")};
  if (type == "react") {
    ReactFrame f;
    f.room = required_id(o, "room");
    f.id = required_id(o, "id");
    f.emoji = required_string(o, "emoji");
    if (auto e = check_emoji(f.emoji)) throw std::string(*e);
    f.on = required_bool(o, "on");
    return f;
  }
  if (type == "read") return ReadFrame{required_id(o, "room"), required_id(o, "up_to")};
  throw std::string("unknown frame type '") + std::string(type.substr(0, 64)) + "'";
}

}  // namespace

ParseResult parse_client_frame(std::string_view text) {
  json::error_code ec;
  json::value root = parse_json(text, ec);
  if (ec) return FrameError{std::nullopt, "frame is not valid JSON", {}};
  if (!root.is_object()) return FrameError{std::nullopt, "frame must be a JSON object", {}};
  const json::object& o = root.get_object();

  std::optional<std::string> ref;
  if (const json::value* r = o.if_contains("ref"); r != nullptr && !r->is_null()) {
    if (!r->is_string() || count_code_points(r->get_string()) > kMaxRefChars)
      return FrameError{std::nullopt, "field 'ref' must be a string of at most 64 characters", {}};
    ref = std::string(r->get_string());
  }
  const json::value* type = o.if_contains("type");
  if (type == nullptr) return FrameError{ref, "missing field 'type'", {}};
  if (!type->is_string()) return FrameError{ref, "field 'type' must be a string", {}};
  try {
    return ClientFrame{ref, parse_body(type->get_string(), o)};
  } catch (const std::string& message) {
    return FrameError{ref, message, std::string(type->get_string().subview(0, 64))};
  }
}

}  // namespace parley::protocol

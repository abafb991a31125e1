#include "cluster/event_codec.hpp"

#include <boost/json.hpp>
#include <cstdint>

#include "net/ws_connection.hpp"

namespace parley::cluster {

namespace json = boost::json;
using realtime::Delivery;
using realtime::RemoteEvent;

namespace {

constexpr const char* kTargets[] = {
    "room", "users", "role", "room_deleted", "end_membership", "role_change", "sessions_ended"};
// By Delivery::Kind; a room event keeps its v1 name on the bus ("message").
constexpr const char* kKinds[] = {"message",      "typing",       "presence",
                                  "room_deleted", "notification", "receipt"};

template <typename Enum, std::size_t N>
std::optional<Enum> enum_of(const json::value* value, const char* const (&names)[N]) {
  if (value == nullptr || !value->is_string()) return std::nullopt;
  for (std::size_t i = 0; i < N; ++i)
    if (value->get_string() == names[i]) return static_cast<Enum>(i);
  return std::nullopt;
}

std::int64_t int_of(const json::object& object, const char* key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_int64() ? value->get_int64() : 0;
}

}  // namespace

std::string_view frame_payload(std::string_view frame) {
  if (frame.size() < 2) return {};
  std::size_t length = static_cast<unsigned char>(frame[1]) & 0x7f;
  std::size_t header = length == 126 ? 4 : length == 127 ? 10 : 2;
  return frame.size() < header ? std::string_view{} : frame.substr(header);
}

std::string encode_event(std::string_view origin, const RemoteEvent& event) {
  json::object out;
  out["origin"] = origin;
  out["target"] = kTargets[static_cast<int>(event.target)];
  out["kind"] = kKinds[static_cast<int>(event.delivery.kind)];
  out["room"] = event.delivery.room_id;
  out["message_id"] = event.delivery.position;
  out["exclude_user"] = event.delivery.exclude_user;
  json::array users;
  for (auto id : event.user_ids) users.push_back(id);
  out["user_ids"] = std::move(users);
  out["role"] = event.role;
  if (!event.session_ids.empty()) {
    json::array sessions;
    for (auto id : event.session_ids) sessions.push_back(id);
    out["session_ids"] = std::move(sessions);
  }
  if (event.delivery.frame) out["frame"] = frame_payload(*event.delivery.frame);
  return json::serialize(out);
}

std::string encode_batch(std::string_view origin, const realtime::OrderedBatch& batch) {
  json::object out;
  out["origin"] = origin;
  out["target"] = "batch";
  out["after"] = batch.after;
  out["through"] = batch.through;
  json::array events;
  for (const Delivery& d : batch.events) {
    json::object event;
    event["room"] = d.room_id;
    event["position"] = d.position;
    if (d.frame) event["frame"] = frame_payload(*d.frame);
    events.push_back(std::move(event));
  }
  out["events"] = std::move(events);
  return json::serialize(out);
}

namespace {

std::optional<BusMessage> decode_batch(const json::object& in, std::string_view origin) {
  const json::value* events = in.if_contains("events");
  if (events == nullptr || !events->is_array()) return std::nullopt;
  BusMessage out;
  out.origin = origin;
  realtime::OrderedBatch batch;
  batch.after = int_of(in, "after");
  batch.through = int_of(in, "through");
  for (const json::value& value : events->get_array()) {
    if (!value.is_object()) return std::nullopt;
    const json::object& event = value.get_object();
    const json::value* frame = event.if_contains("frame");
    if (frame == nullptr || !frame->is_string()) return std::nullopt;
    batch.events.push_back(Delivery::room_event(int_of(event, "room"), int_of(event, "position"), 0,
                                                net::make_text_frame(frame->get_string())));
  }
  out.batch = std::move(batch);
  return out;
}

}  // namespace

std::optional<BusMessage> decode_event(std::string_view payload) {
  json::error_code ec;
  json::value parsed = json::parse(payload, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const json::object& in = parsed.get_object();
  const json::value* origin = in.if_contains("origin");
  if (const json::value* target = in.if_contains("target");
      origin != nullptr && origin->is_string() && target != nullptr && target->is_string() &&
      target->get_string() == "batch")
    return decode_batch(in, origin->get_string());
  auto target = enum_of<RemoteEvent::Target>(in.if_contains("target"), kTargets);
  auto kind = enum_of<Delivery::Kind>(in.if_contains("kind"), kKinds);
  if (origin == nullptr || !origin->is_string() || !target || !kind) return std::nullopt;

  BusMessage out;
  out.origin = origin->get_string();
  out.event.target = *target;
  out.event.delivery.kind = *kind;
  out.event.delivery.room_id = int_of(in, "room");
  out.event.delivery.position = int_of(in, "message_id");
  out.event.delivery.exclude_user = int_of(in, "exclude_user");
  if (const json::value* users = in.if_contains("user_ids"); users && users->is_array())
    for (const json::value& id : users->get_array())
      if (id.is_int64()) out.event.user_ids.push_back(id.get_int64());
  if (const json::value* sessions = in.if_contains("session_ids"); sessions && sessions->is_array())
    for (const json::value& id : sessions->get_array())
      if (id.is_int64()) out.event.session_ids.push_back(id.get_int64());
  if (const json::value* role = in.if_contains("role"); role && role->is_string())
    out.event.role = role->get_string();
  if (const json::value* frame = in.if_contains("frame"); frame && frame->is_string())
    out.event.delivery.frame = net::make_text_frame(frame->get_string());
  return out;
}

}  // namespace parley::cluster

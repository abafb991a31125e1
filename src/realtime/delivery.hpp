#pragma once
// What the hub hands to subscribers: one shared, pre-encoded frame plus the facts a subscriber
// needs to decide whether to send it (ordering, exclusions). Built by its named constructors.

#include <cstdint>
#include <utility>

#include "net/ws_connection.hpp"

namespace parley::realtime {

struct Delivery {
  enum class Kind { message, typing, presence, room_deleted, notification };

  Kind kind = Kind::message;
  std::int64_t room_id = 0;
  std::int64_t message_id = 0;    // Kind::message: for in-order, at-most-once delivery
  std::int64_t exclude_user = 0;  // typing/presence: not to this user's own connections
  std::int64_t committed_us = 0;  // Kind::message: monotonic time of commit, for latency
  net::SharedFrame frame;

  // A stored message of the room; `committed_us` 0 when unknown (relayed from another instance).
  static Delivery message(std::int64_t room_id, std::int64_t message_id, std::int64_t committed_us,
                          net::SharedFrame frame) {
    return {Kind::message, room_id, message_id, 0, committed_us, std::move(frame)};
  }
  // Typing and presence go to the room's subscribers but not to `user_id`'s own connections.
  static Delivery typing(std::int64_t room_id, std::int64_t user_id, net::SharedFrame frame) {
    return {Kind::typing, room_id, 0, user_id, 0, std::move(frame)};
  }
  static Delivery presence(std::int64_t room_id, std::int64_t user_id, net::SharedFrame frame) {
    return {Kind::presence, room_id, 0, user_id, 0, std::move(frame)};
  }
  static Delivery room_deleted(std::int64_t room_id, net::SharedFrame frame) {
    return {Kind::room_deleted, room_id, 0, 0, 0, std::move(frame)};
  }
  // A publish API event: to a room's subscribers, or (room 0) to the users or role it targets.
  static Delivery notification(std::int64_t room_id, net::SharedFrame frame) {
    return {Kind::notification, room_id, 0, 0, 0, std::move(frame)};
  }
  // No frame, only the room an event without one is about (a membership that ended).
  static Delivery about_room(std::int64_t room_id) { return {Kind::message, room_id, 0, 0, 0, {}}; }
};

}  // namespace parley::realtime

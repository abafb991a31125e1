#pragma once
// What the hub hands to subscribers: one shared, pre-encoded frame plus the facts a subscriber
// needs to decide whether to send it (ordering, exclusions). Built by its named constructors.

#include <cstdint>
#include <utility>

#include "net/ws_connection.hpp"

namespace parley::realtime {

struct Delivery {
  // `room_event`: the room's ordered stream (`message` at its id, `message_updated` at its rev);
  // the others are not ordered against it.
  enum class Kind { room_event, typing, presence, room_deleted, notification, receipt };

  Kind kind = Kind::room_event;
  std::int64_t room_id = 0;
  std::int64_t position = 0;      // room_event: for in-order, at-most-once delivery
  std::int64_t exclude_user = 0;  // typing/presence: not to this user's own connections
  std::int64_t committed_us = 0;  // room_event: monotonic time of commit, for latency
  net::SharedFrame frame;
  // Not to this one connection (the one that acted and gets a reply instead). Local only: an
  // event relayed from another instance excludes nobody.
  const void* exclude_connection = nullptr;

  // A stored message of the room, or a change to one (its frame `message_updated`) at its new
  // rev; `committed_us` 0 when unknown (relayed from another instance).
  static Delivery room_event(std::int64_t room_id, std::int64_t position, std::int64_t committed_us,
                             net::SharedFrame frame) {
    return {Kind::room_event, room_id, position, 0, committed_us, std::move(frame), nullptr};
  }
  // Typing and presence go to the room's subscribers but not to `user_id`'s own connections.
  static Delivery typing(std::int64_t room_id, std::int64_t user_id, net::SharedFrame frame) {
    return {Kind::typing, room_id, 0, user_id, 0, std::move(frame), nullptr};
  }
  static Delivery presence(std::int64_t room_id, std::int64_t user_id, net::SharedFrame frame) {
    return {Kind::presence, room_id, 0, user_id, 0, std::move(frame), nullptr};
  }
  // A member's read position moved: to the room's subscribers.
  static Delivery receipt(std::int64_t room_id, net::SharedFrame frame) {
    return {Kind::receipt, room_id, 0, 0, 0, std::move(frame), nullptr};
  }
  static Delivery room_deleted(std::int64_t room_id, net::SharedFrame frame) {
    return {Kind::room_deleted, room_id, 0, 0, 0, std::move(frame), nullptr};
  }
  // A publish API event, a mention or a read state: to a room's subscribers, or (room 0) to the
  // users or role it targets.
  static Delivery notification(std::int64_t room_id, net::SharedFrame frame,
                               const void* exclude_connection = nullptr) {
    return {Kind::notification, room_id, 0, 0, 0, std::move(frame), exclude_connection};
  }
  // No frame, only the room an event without one is about (a membership that ended).
  static Delivery about_room(std::int64_t room_id) {
    return {Kind::room_event, room_id, 0, 0, 0, {}, nullptr};
  }
};

}  // namespace parley::realtime

#pragma once
// What the hub hands to subscribers: one shared, pre-encoded frame plus the facts a subscriber
// needs to decide whether to send it (ordering, exclusions).

#include <cstdint>
#include <string>

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
};

// A live connection as the hub sees it. Called only on the subscriber's own network thread.
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual std::int64_t user_id() const noexcept = 0;
  virtual const std::string& role() const noexcept = 0;
  virtual void deliver(const Delivery& delivery) = 0;
  // The user stopped being a member of the room (left over REST): stop delivering it.
  virtual void on_membership_ended(std::int64_t room_id) = 0;
  // An admin changed the user's role.
  virtual void on_role_changed(const std::string& role) = 0;
};

}  // namespace parley::realtime

#pragma once
// A live connection as the hub sees it: what the hub's fanout hands deliveries to. Called only on
// the subscriber's own network thread.

#include <cstdint>
#include <string>

#include "realtime/delivery.hpp"

namespace parley::realtime {

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual std::int64_t user_id() const noexcept = 0;
  virtual const std::string& role() const noexcept = 0;
  // Outbound: queues the delivery's frame to the client when it is due (a subscriber keeps a
  // room's messages in id order, at most once, and holds them while its join completes). True
  // when the frame was queued or held for the join; false when it was skipped or refused (a
  // duplicate, a closing or full connection), so that delivery metrics count only what goes out.
  virtual bool send_delivery(const Delivery& delivery) = 0;
  // The user stopped being a member of the room (left over REST): stop delivering it.
  virtual void on_membership_ended(std::int64_t room_id) = 0;
  // An admin changed the user's role.
  virtual void on_role_changed(const std::string& role) = 0;
  // The login session the connection authenticated with (the token's sid); 0 for none.
  virtual std::int64_t session_id() const noexcept { return 0; }
  // That session ended (logout, ended by its owner, password change, deactivation): close.
  virtual void on_session_ended() {}
};

}  // namespace parley::realtime

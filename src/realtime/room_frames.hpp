#pragma once
// The frames of one connection that subscribe it to rooms and speak in them without storing
// anything: join (with catch-up), leave and typing; and the subscriptions' end, by leave,
// disconnect or a membership ended elsewhere, with the presence it changes.

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/client_frame.hpp"
#include "realtime/join_loader.hpp"
#include "realtime/rate_limiter.hpp"
#include "realtime/session_context.hpp"

namespace parley::realtime {

class RoomFrames {
 public:
  explicit RoomFrames(SessionContext& ctx);

  void on_join(const std::optional<std::string>& ref, const protocol::JoinFrame& frame);
  void on_leave(const std::optional<std::string>& ref, const protocol::LeaveFrame& frame);
  void on_typing(const std::optional<std::string>& ref, const protocol::TypingFrame& frame);

  // Ends the subscription; `announce_leave`: tell the room when this was the user's last
  // connection in it.
  void drop(std::int64_t room_id, bool announce_leave);
  void drop_all();

 private:
  void finish_join(const std::optional<std::string>& ref, std::int64_t room_id, JoinResult r);
  // The room frame's room is not subscribed: answer as the store says (not_found for a private
  // room the user is not in, so that it looks like no room at all).
  void refuse_unsubscribed(const std::optional<std::string>& ref, std::int64_t room_id);

  SessionContext& ctx_;
  RateLimiter typing_limiter_;
};

}  // namespace parley::realtime

#pragma once
// The frames of one connection that write to a room's history: send, edit, delete and react, each
// through the group-commit writer and answered once committed (`ack` for a send, `updated` for a
// change), within the connection's rate limits.

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/client_frame.hpp"
#include "realtime/rate_limiter.hpp"
#include "realtime/session_context.hpp"
#include "store/records.hpp"

namespace parley::realtime {

class MessageFrames {
 public:
  explicit MessageFrames(SessionContext& ctx);

  void on_send(const std::optional<std::string>& ref, protocol::SendFrame frame);
  void on_edit(const std::optional<std::string>& ref, protocol::EditFrame frame);
  void on_delete(const std::optional<std::string>& ref, const protocol::DeleteFrame& frame);
  void on_react(const std::optional<std::string>& ref, protocol::ReactFrame frame);

 private:
  enum class Reply { ack, updated };
  // Submits the write; the reply (or the contract's error) goes to `ref` once committed.
  void write(const std::optional<std::string>& ref, store::Write write, std::int64_t room_id,
             std::int64_t message_id, Reply reply);
  // false (and the refusal sent) when the limiter refuses; an abusive sender is closed 1008.
  bool allowed(const std::optional<std::string>& ref, RateLimiter& limiter, bool may_close);

  SessionContext& ctx_;
  RateLimiter send_limiter_;
  RateLimiter change_limiter_;
};

}  // namespace parley::realtime

#pragma once
// The `read` frame of one connection: moves the user's read position of a room (forward only)
// through the group-commit writer and answers with the read state; the user's other connections
// hear of it from the write path.

#include <optional>
#include <string>

#include "protocol/client_frame.hpp"
#include "realtime/rate_limiter.hpp"
#include "realtime/session_context.hpp"

namespace parley::realtime {

class ReadFrames {
 public:
  explicit ReadFrames(SessionContext& ctx);

  void on_read(const std::optional<std::string>& ref, const protocol::ReadFrame& frame);

 private:
  SessionContext& ctx_;
  RateLimiter limiter_;
};

}  // namespace parley::realtime

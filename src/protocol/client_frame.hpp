#pragma once
// Client-to-server WebSocket frames, parsed and validated from their JSON text.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace parley::protocol {

struct AuthFrame {
  std::string token;
};
struct JoinFrame {
  std::int64_t room = 0;
  std::optional<std::int64_t> since;
};
struct LeaveFrame {
  std::int64_t room = 0;
};
struct SendFrame {
  std::int64_t room = 0;
  std::string body;
  std::optional<std::string> client_id;
  std::optional<std::string> meta_json;  // compact JSON object text
  std::optional<std::int64_t> reply_to;
  std::vector<std::int64_t> attachments;  // upload ids
};
struct EditFrame {
  std::int64_t room = 0;
  std::int64_t id = 0;
  std::string body;
  bool replace_meta = false;  // `meta` given (an object): it replaces the stored one
  std::optional<std::string> meta_json;
};
struct DeleteFrame {
  std::int64_t room = 0;
  std::int64_t id = 0;
};
struct ReactFrame {
  std::int64_t room = 0;
  std::int64_t id = 0;
  std::string emoji;
  bool on = true;
};
struct ReadFrame {
  std::int64_t room = 0;
  std::int64_t up_to = 0;
};
struct TypingFrame {
  std::int64_t room = 0;
};
struct PingFrame {};

using ClientFrameBody = std::variant<AuthFrame, JoinFrame, LeaveFrame, SendFrame, TypingFrame,
                                     PingFrame, EditFrame, DeleteFrame, ReactFrame, ReadFrame>;

struct ClientFrame {
  std::optional<std::string> ref;
  ClientFrameBody body;
};

// A frame that cannot be acted on: answered with `error` `bad_request` (with the ref when one
// could be read).
struct FrameError {
  std::optional<std::string> ref;
  std::string message;
  std::string type;  // the frame's `type` when it had a string one
};

using ParseResult = std::variant<ClientFrame, FrameError>;

ParseResult parse_client_frame(std::string_view text);

}  // namespace parley::protocol

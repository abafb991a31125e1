#pragma once
// An incremental parser of client-to-server WebSocket frames that enforces RFC 6455: masking,
// reserved bits, opcodes, control-frame rules, fragmentation order, size cap and UTF-8.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "net/utf8_validator.hpp"

namespace parley::net {

class WsFrameParser {
 public:
  enum class Kind : std::uint8_t { need_more, text, ping, pong, close, error };

  struct Event {
    Kind kind = Kind::need_more;
    // text: the whole message; ping/pong: application data; close: the reason.
    std::string_view payload;
    // close: the peer's code (1005 when it sent none); error: the close code to answer with.
    std::uint16_t code = 0;
  };

  // `max_message_bytes` caps a frame and a reassembled message (close 1009 beyond it).
  explicit WsFrameParser(std::size_t max_message_bytes) noexcept : max_(max_message_bytes) {}

  // Consumes bytes from the front of `input` until one event is complete or the input is used
  // up (need_more). Unmasks in place, so the input must be writable. The event's payload stays
  // valid until the next call or until the input buffer is reused. After an error every call
  // returns the same error.
  Event parse(std::span<char>& input);

  // Bytes held for a message or frame still arriving (0 when idle).
  std::size_t buffered_bytes() const noexcept { return message_.size() + control_.size(); }

 private:
  Event fail(std::uint16_t code) noexcept;
  Event check_header();
  Event finish_frame();
  Event close_event();

  std::size_t max_;
  std::uint64_t frame_length_ = 0;
  std::uint64_t remaining_ = 0;  // payload bytes of the current frame not yet consumed
  std::string message_;          // a text message being reassembled
  std::string control_;          // the payload of a control frame being read
  Utf8Validator utf8_;
  unsigned char header_[14] = {};
  unsigned char mask_[4] = {};
  std::uint8_t header_have_ = 0;
  std::uint8_t header_need_ = 2;
  std::uint8_t mask_offset_ = 0;  // payload bytes consumed so far, mod 4
  std::uint8_t opcode_ = 0;
  std::uint16_t error_code_ = 0;
  bool fin_ = false;
  bool in_payload_ = false;
  bool in_message_ = false;     // a fragmented text message is open
  bool clear_pending_ = false;  // the last event pointed into message_
};

}  // namespace parley::net
